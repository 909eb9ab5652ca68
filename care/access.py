"""Who may work the care console, as an Oscar permission list (see oscar.views.decorators).

Plain data that imports nothing: the console's views require it, and the dashboard menu and
links (portal/dashboard_access.py) read the same list.
"""

CARE_AGENTS = ["is_staff", "care.answer_ticket"]
# Sending a complaint's line back to the workshop at no charge asks for more than answering.
CARE_REMAKERS = [*CARE_AGENTS, "care.start_remake"]
# Deciding a return or warranty claim (a refund, a repair or remake at no charge, or a refusal).
CARE_CLAIM_DECIDERS = [*CARE_AGENTS, "care.decide_claim"]
