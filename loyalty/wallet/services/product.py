"""The gift card as a product of the catalogue: one product, bought with the amount, recipient and
delivery date the shopper chose (purchase.py), priced from them on the server."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from oscar.core.loading import get_model

from ..purchase import GIFT_CARD_OPTION, GIFT_CARD_UPC

Option = get_model("catalogue", "Option")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

DESCRIPTION = (
    "A gift card for made-to-order furniture and appliances: choose the amount, write a message and pick the day "
    "we e-mail it to them, with a printable card. They pay with it at checkout, all at once or over several orders."
)


def ensure_gift_card_product(*, partner_name="Atelier Workshop"):
    """The "Gift card" product, its class (nothing to ship, no stock) and line option, created once.
    Its stock record's price is the least amount: the "from" price of listings."""
    with transaction.atomic():
        Option.objects.get_or_create(
            code=GIFT_CARD_OPTION, defaults={"name": "Gift card", "type": Option.TEXT, "required": False}
        )
        product_class, _ = ProductClass.objects.get_or_create(
            name="Gift card", defaults={"requires_shipping": False, "track_stock": False}
        )
        product = Product.objects.filter(upc=GIFT_CARD_UPC).first()
        if product is None:
            product = Product.objects.create(
                upc=GIFT_CARD_UPC,
                title="Gift card",
                slug="gift-card",
                structure=Product.STANDALONE,
                product_class=product_class,
                description=DESCRIPTION,
                is_public=True,
            )
            partner, _ = Partner.objects.get_or_create(name=partner_name)
            StockRecord.objects.create(
                product=product,
                partner=partner,
                partner_sku=GIFT_CARD_UPC,
                price=Decimal(settings.WALLET_GIFT_CARD_MIN),
                price_currency="GBP",
            )
        return product


def add_gift_card_to_basket(*, basket, choice):
    """One gift card line for `choice` (checked by the form) in `basket`, once per form (its key is in
    the choice). Returns the line."""
    product = ensure_gift_card_product()
    option = Option.objects.get(code=GIFT_CARD_OPTION)
    text = choice.as_text()
    if basket.pk:
        same = basket.lines.filter(attributes__option=option, attributes__value=text).first()
        if same is not None:  # the same form sent twice: one card
            return same
    line, _ = basket.add_product(product, 1, options=[{"option": option, "value": text}])
    return line
