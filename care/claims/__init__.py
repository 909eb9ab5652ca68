"""Returns and warranty claims (issue #20): a customer asks from the hub's order page; staff decide
in the care console; a repair or remake goes to the workshop through care's remakes, a refund
through the portal's refund path (care.claims.refunds, a seam portal fills at start-up)."""
