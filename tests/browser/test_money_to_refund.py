"""Staff find money taken for a cancelled order from the dashboard menu and refund it; the
list and the health page say when nothing is left. axe on every page visited."""

import re

from oscar.core.loading import get_model
from playwright.sync_api import expect

from portal import health
from portal.payments.models import DemoPayment
from portal.payments.money import to_minor
from tests.browser.accessibility import assert_accessible
from tests.browser.dashboard_menu import open_dashboard_menu
from tests.browser.signing_in import sign_in

Order = get_model("order", "Order")


def test_staff_find_a_cancelled_order_holding_money_and_refund_it(shop, page, settings):
    settings.STRIPE_SECRET_KEY = ""  # the demo gateway
    health.record_heartbeat(hostname="browser-test")
    order = Order.objects.get(number="DEMO-1004")  # paid in the demo data
    order.set_status("Cancelled")  # and cancelled from its order page afterwards
    DemoPayment.objects.create(  # the demo gateway's side of the demo data's payment, so it can be refunded
        reference=order.sources.get().reference,
        idempotency_key="browser-test-demo-1004",
        order_number=order.number,
        amount=to_minor(order.total_incl_tax, order.currency),
        currency=order.currency,
        status=DemoPayment.Status.SUCCEEDED,
    )
    total = f"£{order.total_incl_tax}"
    sign_in(page, shop, "admin@atelier.example", "atelier-admin")
    page.goto(shop + "/dashboard/")

    open_dashboard_menu(page, "Fulfilment")
    page.get_by_role("link", name="Paid but cancelled: to refund").click()
    expect(page.get_by_role("heading", name="Paid but cancelled: to refund")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("DEMO-1004"))
    expect(row.get_by_role("cell")).to_have_text(
        ["Ada Byron", re.compile(r"\d+ \w+ \d{4} \d\d:\d\d"), total, "£0.00", total, re.compile("Demo gateway")]
    )
    assert_accessible(page)

    row.get_by_role("link", name="DEMO-1004").click()
    expect(page.get_by_role("heading", name=re.compile("Order #DEMO-1004"))).to_be_visible()
    page.locator("#refund-form").get_by_role("button", name="Refund through the gateway").click()
    expect(page.get_by_text(f"Refunded {order.total_incl_tax} GBP.")).to_be_visible()

    open_dashboard_menu(page, "Fulfilment")
    page.get_by_role("link", name="Paid but cancelled: to refund").click()
    expect(page.get_by_text("No cancelled order holds money: nothing to refund.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("DEMO-1004"))).to_have_count(0)
    assert_accessible(page)

    open_dashboard_menu(page, "Site")
    page.get_by_role("link", name="Health").click()
    expect(page.get_by_role("heading", name="Waiting for staff")).to_be_visible()
    expect(page.locator("#attention")).to_contain_text("No cancelled order holds money: nothing to refund.")
    assert_accessible(page)
