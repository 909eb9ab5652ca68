"""What the storefront says on first render: the same lines the live updates show, in the site's frame."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from oscar.core.loading import get_model

from loyalty.models import LoyaltyAccount, Tier
from loyalty.selectors.previews import points_for_product
from loyalty.selectors.redemption import POINTS_OFFER_SLUG
from tests.factories import LoyaltyAccountFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
Range = get_model("offer", "Range")

EARN = re.compile(r'<p class="quote__extra" data-quote-extra>(Earn [\d,]+ points)</p>')
PRICE = re.compile(r'<p class="quote__price"><span class="sr-only">Your price: </span>£([\d,.]+)')


@pytest.mark.parametrize("tier", [None, "Gold"])  # a visitor; a customer whose tier multiplies points
@pytest.mark.parametrize(
    ("url", "upc"),
    [
        ("product", "ATL-FRIDGE"),  # the configurable product's own page
        ("/configure/modular-sofa/", "ATL-SOFA"),
        ("/the-fridge-that-fits/", "ATL-FRIDGE"),  # a product story opening the configurator on a preset
    ],
)
def test_every_configurator_says_what_it_earns_on_first_render(client, tier, url, upc):
    """As the live update does (it was there only after the first change)."""
    product = Product.objects.get(upc=upc)
    user = AnonymousUser()
    if tier:
        account = LoyaltyAccountFactory()
        LoyaltyAccount.objects.filter(pk=account.pk).update(tier=Tier.objects.get(name=tier))
        user = account.user
        client.force_login(user)

    html = client.get(product.get_absolute_url() if url == "product" else url).content.decode()

    [price] = PRICE.findall(html)
    points = points_for_product(user=user, product=product, amount=Decimal(price.replace(",", "")))
    assert points > 0
    assert EARN.findall(html) == [f"Earn {points} points"]


@pytest.mark.parametrize("path", ["/accounts/", "/accounts/points/"])
def test_the_points_summary_names_each_tier_once(client, path):
    """The first tier is called "Member": the heading read "Member member"."""
    account = LoyaltyAccountFactory()
    client.force_login(account.user)
    tiers = list(Tier.objects.order_by("min_spend_12m"))
    assert [tier.name for tier in tiers] == ["Member", "Silver", "Gold", "Platinum"]
    for tier in tiers:
        LoyaltyAccount.objects.filter(pk=account.pk).update(tier=tier)

        html = client.get(path).content.decode()

        assert f'<h2 id="loyalty-summary-title">Your tier: {tier.name}</h2>' in html, tier.name


def test_the_points_offer_is_not_on_the_public_offer_pages(client):
    """It is how Oscar applies redeemed points, not a promotion; /offers/ listed it with every product."""
    sofas = Range.objects.create(name="Sofas", slug="sofas", is_public=True)
    public = ConditionalOffer.objects.create(
        name="Spring sofa week",
        slug="spring-sofa-week",
        offer_type=ConditionalOffer.SITE,
        condition=Condition.objects.create(type=Condition.COUNT, value=1, range=sofas),
        benefit=Benefit.objects.create(type=Benefit.PERCENTAGE, value=10, range=sofas),
    )

    listing = client.get("/offers/")

    assert listing.status_code == 200
    assert [offer.slug for offer in listing.context["offers"]] == [public.slug]
    assert "Points redeemed" not in listing.content.decode()
    assert client.get(f"/offers/{POINTS_OFFER_SLUG}/").status_code == 404
    assert client.get(f"/offers/{public.slug}/").status_code == 200

    # Nor among the basket's "offers you could qualify for" (its condition is never half met).
    filter_kit = Product.objects.get(upc="ATL-FILTER")
    client.post(f"/basket/add/{filter_kit.pk}/", {"quantity": 1})
    assert client.get("/basket/").context["upsell_messages"] == []


def test_each_storefront_template_is_in_its_chain_once(client):
    """portal/templates was found twice (TEMPLATES DIRS and the portal app's own folder), so a
    template there extending Oscar's of the same name ran twice: the stocked product page said
    "Earn N points" twice and every page linked the stylesheet twice."""
    product = Product.objects.get(upc="ATL-CAREKIT")

    product_page = client.get(product.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()

    assert product_page.count("data-earn-points") == 1
    assert home.count("portal/css/atelier.css") == 1
