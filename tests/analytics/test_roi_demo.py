"""The demo's ROI page has something to show: a reminder rule with a customer reminded and one held
out, each with a demo order in their window; loading the demo again adds nothing."""

import pytest

from analytics.dashboard.forms import default_period
from analytics.selectors import roi
from portal.demo.roi import load_roi_sends

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_reminder_with_a_hold_out_and_orders_on_both_sides(login):
    tier_gap = next(p for p in roi.reminder_roi(default_period()) if p.name == "Short of the next tier")

    assert tier_gap.figures.shown_control == roi.HOLD_OUT
    assert (tier_gap.figures.treated, tier_gap.figures.treated_buyers) == (1, 1)
    assert (tier_gap.figures.control, tier_gap.figures.control_buyers) == (1, 1)
    assert tier_gap.figures.incremental is not None
    assert load_roi_sends() == 0
    html = login("merchandiser@atelier.example").get("/dashboard/analytics/roi/").content.decode()
    assert "Short of the next tier" in html and "Winter double points" in html
