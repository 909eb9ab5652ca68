"""axe on the storefront pages no flow test walks through: content pages, the catalogue, offers,
a stocked product, search, a shared design, and every tab of a signed-in shopper's hub.

Each page is scanned as a shopper sees it, in the browser with its scripts run; the test lists
every critical or serious violation on every page at once.
"""

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model
from playwright.sync_api import expect

from configurator.models import SavedDesign
from tests.browser.accessibility import blocking_violations
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
