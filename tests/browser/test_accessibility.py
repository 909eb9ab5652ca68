"""axe on the storefront pages no flow test walks through: content pages, the catalogue, offers,
a stocked product, search, a shared design, and every tab of a signed-in shopper's hub.

Each page is scanned as a shopper sees it, in the browser with its scripts run; the test lists
every critical or serious violation on every page at once. Search results, the basket and the
shipping-method page, whose headings skipped levels, are held to no moderate violation either.
"""

import re

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model
from playwright.sync_api import expect

from configurator.models import SavedDesign
from tests.browser.accessibility import blocking_violations, violations
from tests.browser.checkout_steps import give_delivery_address
from tests.browser.signing_in import sign_in

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Notification = get_model("communication", "Notification")


def scan(page, shop, paths):
    """{path: [violation, ...]} for each page with a blocking violation."""
    found = {}
    for path in paths:
        response = page.goto(shop + path)
        assert response.status == 200, path
        expect(page.locator("main#main")).to_be_visible()
        if lines := blocking_violations(page):
            found[path] = lines
    return found


def test_public_storefront_pages_have_no_serious_violation(shop, page):
    paths = [
        "/",
        "/about/",
        "/how-it-works/",
        "/delivery-and-returns/",
        "/the-fridge-that-fits/",  # a product story with the configurator in it
        "/catalogue/",
        Category.objects.get(name="Refrigerators").get_absolute_url(),
        Product.objects.get(upc="ATL-CAREKIT").get_absolute_url(),  # a stocked product
        Product.objects.get(upc="ATL-TEE").get_absolute_url(),  # a configurable one
        "/configure/modular-sofa/",
        "/offers/",
        "/search/?q=sofa",
        "/basket/",  # empty
        "/accounts/login/",
    ]

    assert scan(page, shop, paths) == {}


def test_a_shoppers_hub_has_no_serious_violation(shop, page):
    ada = get_user_model().objects.get(email="ada@example.com")
    design = SavedDesign.objects.filter(owner=ada).order_by("pk").first()
    message = Notification.objects.filter(recipient=ada).order_by("pk").first()
    assert design is not None and message is not None  # the demo gives Ada both
    sign_in(page, shop, "ada@example.com")

    paths = [
        "/accounts/",
        "/accounts/orders/",
        "/accounts/orders/DEMO-2001/",  # in production: the timeline under way
        "/accounts/orders/DEMO-1002/",  # delivered
        "/accounts/points/",
        "/designs/",
        f"/designs/{design.share_token}/",
        "/accounts/notifications/inbox/",
        f"/accounts/notifications/{message.pk}/",
        "/accounts/notifications/archive/",
        "/accounts/data/",
        "/accounts/reminders/",
        "/accounts/emails/",
        "/accounts/profile/",
        "/accounts/addresses/",
    ]

    assert scan(page, shop, paths) == {}


def violations_from_moderate_up(page):
    """Every violation of moderate impact or worse, on a desktop and on a phone, one line each
    (assert_accessible stops at serious)."""
    lines = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        lines += [
            f"{width} px: {v['impact']}: {v['id']} ({v['help']}) at "
            + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in violations(page)
            if v["impact"] in ("critical", "serious", "moderate")
        ]
    page.set_viewport_size({"width": 1280, "height": 900})
    return lines


def test_search_basket_and_shipping_method_have_no_moderate_violation(shop, page):
    """Their headings skipped levels (axe: heading order, moderate)."""
    found = {}
    page.goto(shop + "/search/?q=sofa")
    expect(page.get_by_role("heading", level=3, name="The Modular Sofa")).to_be_visible()
    found["search"] = violations_from_moderate_up(page)

    page.goto(shop + Product.objects.get(upc="ATL-CAREKIT").get_absolute_url())
    page.get_by_role("button", name="Add to basket").click()
    page.goto(shop + "/basket/")
    expect(page.locator("#content_inner")).to_contain_text("Fabric Care Kit")
    found["basket"] = violations_from_moderate_up(page)

    page.get_by_role("link", name="Proceed to checkout").click()
    page.get_by_label("My email address is").fill("grace@example.com")
    page.get_by_label(re.compile("checkout as a guest")).check()
    page.get_by_role("button", name="Continue").click()
    give_delivery_address(page, name="Grace Hopper", street="1 Compiler Row", city="York", postcode="YO1 7HH")
    expect(page.get_by_role("heading", level=1, name="Shipping method")).to_be_visible()
    found["shipping method"] = violations_from_moderate_up(page)

    assert found == {"search": [], "basket": [], "shipping method": []}
