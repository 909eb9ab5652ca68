"""Canned replies in the console with its script, and a shopper asking about a workshop update."""

import re

from playwright.sync_api import expect

from care.models import Ticket
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_an_agent_inserts_a_canned_reply_adapts_it_and_sends_it(shop, page):
    ticket = Ticket.objects.get(subject__startswith="Stitching")  # Ben's complaint about DEMO-1005's tote
    sign_in(page, shop, "care@atelier.example", "atelier-care")
    page.goto(f"{shop}/dashboard/care/{ticket.reference}/")
    assert_accessible(page)
    box = page.get_by_label("Reply", exact=True)

    page.get_by_label("Canned reply").select_option(label="Photos of the fault, please")
    page.get_by_role("button", name="Insert").click()

    expect(box).to_have_value(
        "Hello Ben,\n\nI am sorry about this. Could you reply with two or three photos of the fault, one of them "
        "showing the whole piece? With them our workshop can decide on a repair or a remake of your order "
        "DEMO-1005.\n\nBest wishes,\nMina"
    )
    assert page.url == f"{shop}/dashboard/care/{ticket.reference}/"  # no page load: the script put it there

    box.fill("Hello Ben, photos would help. Mina")
    page.once("dialog", lambda dialog: dialog.dismiss())  # "Replace what you have written?": no
    page.get_by_label("Canned reply").select_option(label="Thanks, we are on it")
    page.get_by_role("button", name="Insert").click()
    expect(box).to_have_value("Hello Ben, photos would help. Mina")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Insert").click()
    expect(box).to_have_value(re.compile(rf"^Hello Ben,\n\nThank you .* Your reference is {ticket.reference}\.", re.S))

    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.locator("article").last).to_contain_text(f"Your reference is {ticket.reference}.")


def test_a_shopper_asks_about_a_workshop_update_and_staff_see_which_piece(shop, page):
    sign_in(page, shop, "ada@example.com")
    page.goto(shop + "/accounts/orders/DEMO-2001/")
    page.get_by_text("From the workshop").click()
    assert_accessible(page)  # the open list with its links
    page.get_by_role("link", name="Ask about this: The Atelier Fridge: scheduled in the workshop").click()

    expect(
        page.get_by_text("About The Atelier Fridge in order DEMO-2001, from the workshop's updates.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What is it about?").select_option(label="Order question")
    page.get_by_label("Your question").fill("Which day is it made?")
    page.get_by_role("button", name="Send my question").click()

    ticket = Ticket.objects.get(subject="About The Atelier Fridge (order DEMO-2001)")
    expect(page).to_have_url(f"{shop}/accounts/tickets/{ticket.reference}/")
    assert (ticket.order.number, ticket.work_order.order.number) == ("DEMO-2001", "DEMO-2001")
    assert ticket.line == ticket.work_order.line
