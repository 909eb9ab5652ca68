"""A shopper rates a delivered order 2 from the hub, is told who will call; the ticket waits in the quality queue."""

import re

from playwright.sync_api import expect

from care.models import Ticket
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_a_shopper_answers_a_two_and_the_quality_queue_has_the_ticket(shop, page, browser):
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
    staff.close()

    page.goto(shop + "/accounts/orders/DEMO-1001/")
    expect(page.get_by_text(re.compile(r"You gave it 2/5 on"))).to_be_visible()
