"""The seam to the money: care decides a refund, the portal makes it.

The refund path (the payment gateway, the order's Source, `order_refunded` for the points) is the
portal's, which care may not import. The portal registers its function here at start-up
(portal/apps.py), as it registers the ship-date promise with the configurator; care calls it with
the claim's id after the decision commits. It must be idempotent per claim (the refund's token
derives from the RMA) and tell care of a refund made through `services.record_refund`.
"""

import logging

logger = logging.getLogger(__name__)

_refunder = None


def register_refunder(refunder):
    """`refunder(claim_id=...)`: asks the gateway for the claim's refund, once per claim."""
    global _refunder
    _refunder = refunder


def request_refund(claim_id):
    """Ask for the claim's refund now; a refusal or failure is the refunder's to note and retry."""
    if _refunder is None:
        logger.error("claim %s: no refunder registered (portal/apps.py), the refund waits", claim_id)
        return None
    return _refunder(claim_id=claim_id)
