"""Demo catalogue: product families, categories, a partner with stock, shipping methods."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.utils.text import slugify
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Country = get_model("address", "Country")
OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")

ILLUSTRATIONS = Path(settings.BASE_DIR) / "portal" / "static" / "portal" / "img"
PARTNER_NAME = "Atelier Workshop"


@dataclass(frozen=True)
class DemoProduct:
    upc: str
    title: str
    product_class: str
    category: str
    price: Decimal
    illustration: str
    description: str
    made_to_order: bool = True


PRODUCT_CLASSES = {
    "Refrigerator": {"requires_shipping": True, "track_stock": False},
    "Modular sofa": {"requires_shipping": True, "track_stock": False},
    "Printed goods": {"requires_shipping": True, "track_stock": False},
    "Accessory": {"requires_shipping": True, "track_stock": True},
}

PRODUCTS = [
    DemoProduct(
        upc="ATL-FRIDGE",
        title="The Atelier Fridge",
        product_class="Refrigerator",
        category="Kitchen > Refrigerators",
        price=Decimal("1299.00"),
        illustration="fridge.svg",
        description=(
            "<p>A tall fridge-freezer built around your kitchen, not the other way round. Choose the side "
            "the door opens, the finish, the capacity and the interior, add an ice maker if you have a "
            "water supply, and we fit the right plug and voltage for the country it is going to.</p>"
            "<p>Every fridge is assembled, gassed and tested in our workshop in the week you order it, "
            "and it comes with a five-year parts-and-labour guarantee.</p>"
        ),
    ),
    DemoProduct(
        upc="ATL-SOFA",
        title="The Modular Sofa",
        product_class="Modular sofa",
        category="Living room > Sofas",
        price=Decimal("1450.00"),
        illustration="sofa.svg",
        description=(
            "<p>Two to six seat modules, sized to the centimetre for your room. Pick the width and depth, "
            "a chaise on either side, one of our twelve woven fabrics and a solid oak or walnut leg.</p>"
            "<p>Frames are kiln-dried beech with sprung seats; covers zip off for cleaning. We build each "
            "sofa by hand after you order and deliver it to the room of your choice.</p>"
        ),
    ),
    DemoProduct(
        upc="ATL-TEE",
        title="Custom Printed T-shirt",
        product_class="Printed goods",
        category="Printed goods > T-shirts",
        price=Decimal("24.00"),
        illustration="tee.svg",
        description=(
            "<p>Heavyweight organic cotton, printed with your words in our studio. Choose the colour, the "
            "size and where the print goes; order a dozen for the team and the price per shirt drops.</p>"
        ),
    ),
    DemoProduct(
        upc="ATL-TOTE",
        title="Custom Printed Tote",
        product_class="Printed goods",
        category="Printed goods > Bags",
        price=Decimal("18.00"),
        illustration="tote.svg",
        description=(
            "<p>A 12 oz natural canvas tote with long handles and your text screen-printed on one or both "
            "sides. Strong enough for the weekly shop, good-looking enough for everything else.</p>"
        ),
    ),
    DemoProduct(
        upc="ATL-FILTER",
        title="Water Filter Cartridge",
        product_class="Accessory",
        category="Kitchen > Spare parts",
        price=Decimal("29.00"),
        illustration="filter.svg",
        description=(
            "<p>The replacement carbon filter for the Atelier Fridge's ice maker and water dispenser. "
            "Change it every six months for clear ice and fresh-tasting water.</p>"
        ),
        made_to_order=False,
    ),
    DemoProduct(
        upc="ATL-CAREKIT",
        title="Fabric Care Kit",
        product_class="Accessory",
        category="Living room > Care",
        price=Decimal("24.00"),
        illustration="carekit.svg",
        description=(
            "<p>A soft brush, a pH-neutral fabric cleaner and a lint roller: everything to keep a woven "
            "sofa cover looking new.</p>"
        ),
        made_to_order=False,
    ),
]

COUNTRIES = [
    ("GB", "GBR", "826", "United Kingdom of Great Britain and Northern Ireland", "United Kingdom", 1),
    ("IE", "IRL", "372", "Ireland", "Ireland", 2),
    ("FR", "FRA", "250", "French Republic", "France", 3),
    ("DE", "DEU", "276", "Federal Republic of Germany", "Germany", 3),
    ("NL", "NLD", "528", "Kingdom of the Netherlands", "Netherlands", 3),
    ("US", "USA", "840", "United States of America", "United States", 4),
]

SHIPPING_METHODS = [
    {
        "code": "standard",
        "name": "Standard delivery",
        "description": "Tracked courier, 2–3 working days after your order leaves the workshop. "
        "Large items are delivered to the kerbside.",
        "price_per_order": Decimal("9.95"),
        "free_shipping_threshold": Decimal("60.00"),
    },
    {
        "code": "room-of-choice",
        "name": "Two-person delivery to your room of choice",
        "description": "Two of our team carry it in, unpack it, level it and take the packaging away.",
        "price_per_order": Decimal("49.00"),
        "free_shipping_threshold": None,
    },
]


def load_countries():
    created = 0
    for iso_3166_1_a2, a3, numeric, official_name, name, priority in COUNTRIES:
        _, was_created = Country.objects.get_or_create(
            iso_3166_1_a2=iso_3166_1_a2,
            defaults={
                "iso_3166_1_a3": a3,
                "iso_3166_1_numeric": numeric,
                "printable_name": name,
                "name": official_name,
                "display_order": 10 - priority,
                "is_shipping_country": True,
            },
        )
        created += was_created
    return created


def load_shipping_methods():
    created = 0
    for method in SHIPPING_METHODS:
        _, was_created = OrderAndItemCharges.objects.get_or_create(
            code=method["code"],
            defaults={key: value for key, value in method.items() if key != "code"},
        )
        created += was_created
    return created


def _category(breadcrumbs):
    # Oscar's helper finds or creates each level, so it is safe to call twice.
    return create_from_breadcrumbs(breadcrumbs)


def _attach_image(product, illustration):
    with open(ILLUSTRATIONS / illustration, "rb") as handle:
        image = ProductImage(product=product, caption=product.title, display_order=0)
        image.original.save(f"{slugify(product.title)}.svg", File(handle), save=True)


def load_products():
    partner, created = Partner.objects.get_or_create(name=PARTNER_NAME)
    for name, flags in PRODUCT_CLASSES.items():
        _, was_created = ProductClass.objects.get_or_create(name=name, defaults=flags)
        created += was_created
    for spec in PRODUCTS:
        if Product.objects.filter(upc=spec.upc).exists():
            continue
        product = Product.objects.create(
            upc=spec.upc,
            title=spec.title,
            slug=slugify(spec.title),
            structure=Product.STANDALONE,
            product_class=ProductClass.objects.get(name=spec.product_class),
            description=spec.description,
            is_public=True,
        )
        ProductCategory.objects.create(product=product, category=_category(spec.category))
        StockRecord.objects.create(
            product=product,
            partner=partner,
            partner_sku=spec.upc,
            price=spec.price,
            price_currency=settings.OSCAR_DEFAULT_CURRENCY,
            num_in_stock=None if spec.made_to_order else 250,
        )
        _attach_image(product, spec.illustration)
        created += 1
    return created


def product(upc):
    return Product.objects.get(upc=upc)
