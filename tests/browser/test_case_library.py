"""The case library: an agent turns Ada's resolved ticket into a draft help article; an editor
approves and publishes it in Wagtail; Ada finds the thank-you points in her hub."""

import re

from playwright.sync_api import expect

from care.help.models import CaseSource
from care.models import Ticket
from loyalty.models import LoyaltyAccount
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in
from tests.conftest import DEMO_PASSWORDS


def test_a_resolved_ticket_becomes_a_published_article_and_thanks_its_customer(shop, page, browser):
    ticket = Ticket.objects.get(subject="Points from my fridge order")  # Ada's, resolved in the demo
    before = LoyaltyAccount.objects.get(user__email="ada@example.com").available

    staff = browser.new_context()
    console = staff.new_page()
    sign_in(console, shop, "care@atelier.example", "atelier-care")
    console.goto(f"{shop}/dashboard/care/{ticket.reference}/")
    console.get_by_role("button", name="Turn into a help article").click()
    expect(console.get_by_text(re.compile(f"A draft help article was made from {ticket.reference}"))).to_be_visible()
    expect(console.locator("#case-library").locator("..")).to_contain_text("draft, in review")
    assert_accessible(console)
    source = CaseSource.objects.get(ticket=ticket)
    assert "DEMO-1002" not in source.page.question and "[order]" in source.page.question
    staff.close()

    editing = browser.new_context()
    cms = editing.new_page()
    sign_in(cms, shop, "editor@atelier.example", DEMO_PASSWORDS["editor@atelier.example"])
    cms.goto(f"{shop}/cms/pages/{source.page_id}/edit/")
    expect(cms.locator("#id_question")).to_have_value(re.compile(r"\[order\]"))
    cms.get_by_role("button", name="More actions").click()
    cms.get_by_role("button", name="Approve").first.click()
    # The workflow's only task approved: Wagtail publishes and lists the help centre's pages.
    expect(cms.get_by_text("Page 'Points from my fridge order' has been updated.")).to_be_visible()
    expect(cms.get_by_role("row", name=re.compile("Points from my fridge order.*status: live"))).to_be_visible()
    source.page.refresh_from_db()
    assert source.page.live
    editing.close()

    sign_in(page, shop, "ada@example.com")
    page.goto(shop + "/accounts/points/")
    expect(page.locator("[data-points-available]")).to_have_text(str(before + 100))
    expect(page.locator("[data-points-history]")).to_contain_text("Thank you: your question became a help article")
