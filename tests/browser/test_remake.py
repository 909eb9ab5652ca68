"""A shopper complains about one item of a delivered order from the hub, saying how serious it is; staff
send it back to the workshop as a remake; the planner sees it on the board, the shopper on the timeline.

(The issue's path from a survey scored 2 is walked in test_surveys.py.)
"""

import re

from playwright.sync_api import expect

from care.models import Remake, Ticket
from tests.browser.accessibility import assert_accessible
from tests.browser.remake_steps import planner_sees_the_remake, shopper_sees_the_remake_on_the_timeline
from tests.browser.signing_in import sign_in


def test_a_complaint_becomes_a_remake_on_the_board_and_the_shoppers_timeline(shop, page, browser):
    sign_in(page, shop, "ben@example.com")
    page.goto(shop + "/accounts/orders/DEMO-1005/")
    page.get_by_role("link", name="Ask about this item").first.click()
    page.get_by_label("What is it about?").select_option(label="Product quality")
    page.get_by_label("Subject").fill("The print is peeling")
    page.get_by_label("Your question").fill("After one wash the print peels off the tote.")
    page.get_by_label("If something is wrong with what we made: how serious is it?").select_option(
        label="A fault: it does not work as it should"
    )
    page.get_by_role("button", name="Send my question").click()
    ticket = Ticket.objects.get(subject="The print is peeling")
    expect(page).to_have_url(f"{shop}/accounts/tickets/{ticket.reference}/")

    staff = browser.new_context()
    console = staff.new_page()
    sign_in(console, shop, "care@atelier.example", "atelier-care")
    console.goto(f"{shop}/dashboard/care/{ticket.reference}/")
    form = console.locator("form", has=console.get_by_role("button", name="Send back to the workshop"))
    form.get_by_label("Remake", exact=True).check()
    form.get_by_label(re.compile("What is wrong")).fill("Print peels after one wash: ink batch")
    form.get_by_role("button", name="Send back to the workshop").click()
    remake = Remake.objects.get(ticket=ticket)
    number = remake.work_order.number
    expect(console.get_by_text(re.compile(f"Remake started: {number}, promised for"))).to_be_visible()
    expect(console.locator("#remakes").locator("..")).to_contain_text(number)
    assert_accessible(console)
    staff.close()

    planner_sees_the_remake(browser, shop, ticket)

    shopper_sees_the_remake_on_the_timeline(page, shop, "DEMO-1005")
    page.goto(f"{shop}/accounts/tickets/{ticket.reference}/")
    expect(page.get_by_text(re.compile("A remake of .* was started, promised for"))).to_be_visible()
