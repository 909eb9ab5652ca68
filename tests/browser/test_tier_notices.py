"""An editor rewords a tier notice in Wagtail (Reminders > Tier notices) and publishes it; the next
tier change is told in the new words, in the customer's inbox."""

import re

from playwright.sync_api import expect

from loyalty import notices, recompute
from loyalty.models import TierChange
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in
from tests.factories import PASSWORD, CustomerFactory, OrderFactory

OPAQUE_ERRORS = """() => {
    const opaque = (element) => {
        for (let node = element; node instanceof Element; node = node.parentElement) {
            if (getComputedStyle(node).opacity !== "1") return false;
        }
        return true;
    };
    const errors = [...document.querySelectorAll(".error")];
    // Only the banner's own fade: the sidebar's "what's new" badge pulses for 25 s on its own.
    const onErrors = (animation) => {
        const target = animation.effect && animation.effect.target;
        return target && errors.some((error) => target.contains(error) || error.contains(target));
    };
    return errors.length > 0 && errors.every(opaque)
        && document.getAnimations().filter(onErrors).every((animation) => animation.playState !== "running");
}"""


def test_an_editor_rewords_the_move_up_notice_and_a_customer_reads_it(shop, page):
    customer = CustomerFactory(email="tess@example.com")
    recompute.recompute_all()  # a Member, with no spend yet
    sign_in(page, shop, "editor@atelier.example", "atelier-editor")

    page.goto(shop + "/cms/snippets/loyalty/tiernotice/")
    expect(page.get_by_role("heading", name="Tier notices")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Moved up (en-gb)").click()
    page.get_by_role("textbox", name="Subject").fill("{to_tier} is yours now")
    page.get_by_role("textbox", name="Body").fill("From {from_tier} to {to_tier} & <b>more</b>.\nThank you!")
    assert_accessible(page)
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("status")).to_contain_text("Tier notice 'Moved up (en-gb)' updated and published.")
    expect(page.get_by_role("row", name=re.compile(r"Moved up \(en-gb\).*\{to_tier\} is yours now"))).to_be_visible()

    # The customer's spend reaches Gold; the night tells them in the editor's words.
    OrderFactory(user=customer, total="1600.00")
    recompute.recompute_all()
    page.context.clear_cookies()
    sign_in(page, shop, "tess@example.com", PASSWORD)
    page.goto(shop + "/accounts/notifications/inbox/")
    message = page.locator(".inbox-item--unread")
    expect(message).to_have_count(1)
    expect(message.get_by_role("link")).to_have_text("Unread: Gold is yours now")
    assert_accessible(page)
    message.get_by_role("link").click()
    expect(page.locator(".inbox-message h2")).to_have_text("Gold is yours now")
    body = page.locator(".inbox-message__body")
    expect(body).to_have_text("From Member to Gold & <b>more</b>.Thank you!")  # the break is a <br>
    expect(body.locator("b")).to_have_count(0)  # told as typed, not as markup
    assert_accessible(page)


def test_an_unknown_placeholder_is_refused_with_its_name(shop, page):
    sign_in(page, shop, "editor@atelier.example", "atelier-editor")
    page.goto(shop + "/cms/snippets/loyalty/tiernotice/")
    page.get_by_role("link", name="Moved down (en-gb)").click()

    page.get_by_role("textbox", name="Subject").fill("Goodbye {first_name}")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_text("Unknown placeholder: {first_name}. Use one of: {from_tier}, {to_tier}.")).to_be_visible()
    # Wagtail fades its error banner in: scanned mid-fade, it reports contrast it does not have. The
    # fade may not have begun when the text is found, so wait for the banner itself to be opaque.
    page.wait_for_function(OPAQUE_ERRORS)
    assert_accessible(page)
    assert notices.copy()[TierChange.Kind.DOWN][0] == "Your tier is now {to_tier}"  # nothing saved
