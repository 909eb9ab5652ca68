"""Two customers with something of their own on every kind of page, for the page cache's leak tests.

Each has a name, an email address, a basket (its total shows in every page's header), points and a
saved design, all spelled so that no demo page could contain them by chance.
"""

from dataclasses import dataclass

from oscar.core.loading import get_class, get_model

from configurator.models import ProductFamily, SavedDesign
from tests.factories import PASSWORD, CustomerFactory, LoyaltyAccountFactory

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")

STOCKED_UPC = "ATL-FILTER"  # £29.00
CONFIGURABLE_UPC = "ATL-FRIDGE"


@dataclass
class Person:
    user: object
    email: str
    password: str
    markers: tuple  # what only this person's pages may show


def person(first_name, last_name, *, filters, points, design_name):
    email = f"{first_name}.{last_name}@example.org".lower()
    user = CustomerFactory(email=email, first_name=first_name, last_name=last_name)
    LoyaltyAccountFactory(user=user, points=points)
    family = ProductFamily.objects.filter(current_version__isnull=False).order_by("pk").first()
    SavedDesign.objects.create(
        family=family,
        owner=user,
        name=design_name,
        version_number=family.current_version.number,
        values={},
        price="100.00",
    )
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    basket.add_product(Product.objects.get(upc=STOCKED_UPC), quantity=filters)
    total = f"£{29 * filters:,}.00"
    return Person(user, email, PASSWORD, (first_name, last_name, email, design_name, f"{points:,}", total))


def two_customers():
    return (
        person("Philippa", "Quennell", filters=3, points=4321, design_name="Philippa's pantry fridge"),
        person("Barnaby", "Okonkwo", filters=7, points=5678, design_name="Barnaby's reading corner"),
    )


def storefront_paths():
    """The pages kept for visitors without a session: home, a content page, the catalogue, a
    category, the configurable and the stocked product page."""
    from portal.cms.models import ContentPage

    stocked = Product.objects.get(upc=STOCKED_UPC)
    return [
        "/",
        ContentPage.objects.live().order_by("path").first().url,
        "/catalogue/",
        stocked.categories.first().get_absolute_url(),
        Product.objects.get(upc=CONFIGURABLE_UPC).get_absolute_url(),
        stocked.get_absolute_url(),
    ]


# Pages that show a customer's own data: never kept, listed so the tests visit them in between.
PERSONAL_PATHS = ["/accounts/", "/basket/", "/designs/"]
