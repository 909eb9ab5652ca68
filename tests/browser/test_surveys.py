"""The issue's path in one walk: a shopper rates a delivered order 2 from the hub and is told who will call;
the quality ticket waits in the console; staff send the sofa back to the workshop as a remake; the
planner sees it on the board and the shopper on the order's timeline."""

import re

from playwright.sync_api import expect

from care.models import Remake, Ticket
from tests.browser.accessibility import assert_accessible
from tests.browser.remake_steps import planner_sees_the_remake, shopper_sees_the_remake_on_the_timeline
from tests.browser.signing_in import sign_in


def test_a_two_becomes_a_quality_ticket_then_a_remake_on_the_board_and_the_timeline(shop, page, browser):
    sign_in(page, shop, "ada@example.com")
    page.goto(shop + "/accounts/orders/DEMO-1001/")
    page.get_by_role("link", name="Tell us how it went").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("How did order DEMO-1001 turn out?")
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("How did we do")).get_by_label("2 – poor").check()
    page.get_by_role("group", name="Would you buy from us again?").get_by_label("No", exact=True).check()
    page.get_by_label("Anything you would like to tell us?").fill("The seams split after a week. <b>Really</b>.")
    page.get_by_role("button", name="Send my answers").click()

    expect(page).to_have_url(shop + "/accounts/surveys/DEMO-1001/thanks/")
    expect(page.get_by_role("status")).to_contain_text(
        "Someone from our quality team will contact you within 8 working hours"
    )
    expect(page.locator(".survey-comment")).to_have_text("The seams split after a week. <b>Really</b>.")
    assert_accessible(page)

    ticket = Ticket.objects.get(order__number="DEMO-1001", subject="Survey: 2/5 for order DEMO-1001")
    assert ticket.queue.name == "Quality"
    staff = browser.new_context()
    console = staff.new_page()
    sign_in(console, shop, "care@atelier.example", "atelier-care")
    console.goto(shop + "/dashboard/care/")
    console.get_by_role("link", name=ticket.reference).click()
    expect(console.get_by_role("heading", level=1)).to_contain_text("Survey: 2/5 for order DEMO-1001")
    expect(console.get_by_text("The seams split after a week. <b>Really</b>.", exact=True)).to_be_visible()
    expect(console.locator("[data-ticket-surveys]")).to_contain_text("Opened this ticket:")
    expect(console.locator("[data-ticket-surveys]")).to_contain_text("DEMO-1001 · 2/5 · buy again: No")
    assert_accessible(console)

    form = console.locator("form", has=console.get_by_role("button", name="Send back to the workshop"))
    form.get_by_label("Item").select_option(index=0)  # the sofa, the order's first line
    form.get_by_label("Remake", exact=True).check()
    form.get_by_label(re.compile("What is wrong")).fill("Seams split within a week: thread tension")
    form.get_by_role("button", name="Send back to the workshop").click()
    remake = Remake.objects.get(ticket=ticket)
    number = remake.work_order.number
    assert remake.work_order.line.partner_sku == "ATL-SOFA"
    expect(console.get_by_text(re.compile(f"Remake started: {number}, promised for"))).to_be_visible()
    expect(console.locator("#remakes").locator("..")).to_contain_text(number)
    staff.close()

    planner_sees_the_remake(browser, shop, ticket)

    shopper_sees_the_remake_on_the_timeline(page, shop, "DEMO-1001")
    expect(page.get_by_text(re.compile(r"You gave it 2/5 on"))).to_be_visible()
    page.goto(f"{shop}/accounts/tickets/{ticket.reference}/")
    expect(page.get_by_text(re.compile("A remake of .* was started, promised for"))).to_be_visible()
