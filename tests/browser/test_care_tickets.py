"""A new shopper asks a question from the account hub and finds it in their tickets."""

import re

from playwright.sync_api import expect

from care.models import Ticket
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in
from tests.browser.test_registration import register


def test_a_new_shopper_asks_a_question_from_the_hub_and_sees_it_in_the_list(shop, page):
    form = register(page, shop, "iris.vale@example.com")
    form.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(shop + "/accounts/")

    page.locator(".sidebar").get_by_role("link", name="Help & tickets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help & tickets")
    expect(page.get_by_text("You have not asked us anything yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ask a new question").click()

    expect(page.get_by_role("heading", name="Tell us what you need")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What is it about?").select_option(label="Delivery")
    page.get_by_label("Subject").fill("Do you deliver to the Isle of Skye?")
    page.get_by_label("Your question").fill("I would like a <b>sofa</b> sent to Portree.")
    page.get_by_role("button", name="Send my question").click()

    ticket = Ticket.objects.get(user__email="iris.vale@example.com")
    expect(page).to_have_url(f"{shop}/accounts/tickets/{ticket.reference}/")
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text(
        f"Your ticket is {ticket.reference}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Do you deliver to the Isle of Skye?")
    expect(page.locator(".care-message__body")).to_have_text("I would like a <b>sofa</b> sent to Portree.")
    expect(page.locator(".care-facts")).to_contain_text("New")
    assert_accessible(page)

    page.get_by_role("link", name="Help & tickets").last.click()
    row = page.get_by_role("row", name=re.compile("Isle of Skye"))
    expect(row).to_contain_text(ticket.reference)
    expect(row).to_contain_text("Delivery")
    expect(row.get_by_role("link", name="Do you deliver to the Isle of Skye?")).to_be_visible()
    assert_accessible(page)


def test_a_shopper_asks_about_an_order_staff_answer_in_the_console_and_the_reply_shows_in_the_hub(shop, page, browser):
    sign_in(page, shop, "ada@example.com")
    page.goto(shop + "/accounts/orders/DEMO-1002/")
    page.get_by_role("link", name="Ask about this order").click()
    expect(page.get_by_text("About order DEMO-1002.")).to_be_visible()
    page.get_by_label("What is it about?").select_option(label="Delivery")
    page.get_by_label("Your question").fill("Can you take the old fridge away?")
    page.get_by_role("button", name="Send my question").click()
    ticket = Ticket.objects.get(order__number="DEMO-1002")
    expect(page).to_have_url(f"{shop}/accounts/tickets/{ticket.reference}/")

    staff = browser.new_context()
    console = staff.new_page()
    sign_in(console, shop, "care@atelier.example", "atelier-care")
    console.goto(shop + "/dashboard/care/")
    console.get_by_role("link", name=ticket.reference).click()
    expect(console.get_by_role("heading", level=1)).to_contain_text("About order DEMO-1002")
    console.get_by_label("Reply", exact=True).fill("Yes: our two-person crew takes it away for free.")
    console.get_by_role("button", name="Send").click()
    expect(console.get_by_text("Reply sent.")).to_be_visible()
    staff.close()

    page.goto(shop + "/accounts/")
    tab = page.locator(".sidebar").get_by_role("link", name=re.compile("Help & tickets"))
    expect(tab).to_contain_text("2 unread")  # this answer and the demo's answer about her sofa
    tab.click()
    expect(page.get_by_role("row", name=re.compile("DEMO-1002"))).to_contain_text("1 new reply")
    page.get_by_role("link", name="About order DEMO-1002").click()
    expect(page.locator(".care-message--staff")).to_contain_text("our two-person crew takes it away for free")
    expect(page.locator(".care-facts")).to_contain_text("Waiting for you")
    assert_accessible(page)


def test_a_guest_still_stuck_on_a_help_page_asks_and_follows_the_emailed_link(shop, page):
    from django.core import mail

    page.goto(shop + "/help/ordering/")
    page.get_by_role("link", name="Ask a question").click()

    expect(page.get_by_text("You were reading")).to_contain_text("Ordering")
    assert_accessible(page)
    page.get_by_label("Your name").fill("Gil Guest")
    page.get_by_label("Your e-mail address").fill("gil@example.com")
    # The help page's own topic ("ordering") names no ticket topic, so the guest chooses one.
    page.get_by_label("What is it about?").select_option(label="Order question")
    page.get_by_label("Subject").fill("Change the colour after paying")
    page.get_by_label("Your question").fill("Can I still change the colour of my order?")
    page.get_by_role("button", name="Send my question").click()
    expect(page).to_have_url(re.compile(r"/tickets/follow/[^/]+/$"))

    ticket = Ticket.objects.get(guest_email="gil@example.com")
    assert ticket.help_page_id is not None
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the colour after paying")
    expect(page.get_by_text("Keep the link to this page")).to_be_visible()
    assert_accessible(page)

    link = re.search(r"https?://\S+/tickets/follow/\S+/", mail.outbox[-1].body).group(0)
    path = link[link.index("/tickets/follow/") :]
    guest = page.context.browser.new_context()
    later = guest.new_page()
    later.goto(shop + path)
    expect(later.locator(".care-message__body")).to_have_text("Can I still change the colour of my order?")
    guest.close()
