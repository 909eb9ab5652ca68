"""Demo delivery: the fridge and sofa go by a two-person crew (their classes' `two_person_delivery`
attribute, set on each), and eight weeks of weekday slots from today for shoppers to choose."""

from datetime import time, timedelta

from django.utils import timezone
from oscar.core.loading import get_model

from production.selectors.delivery import LARGE_ATTRIBUTE
from production.services.delivery_slots import add_slots

ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
Product = get_model("catalogue", "Product")

LARGE_PRODUCTS = {"Refrigerator": "ATL-FRIDGE", "Modular sofa": "ATL-SOFA"}
WINDOWS = [(time(8, 0), time(12, 0)), (time(13, 0), time(17, 0))]
SLOT_WEEKS = 8
CREW_CAPACITY = 3


def load_large_goods():
    created = 0
    for class_name, upc in LARGE_PRODUCTS.items():
        product = Product.objects.filter(upc=upc).select_related("product_class").first()
        if product is None or product.product_class is None or product.product_class.name != class_name:
            continue
        attribute, was_created = ProductAttribute.objects.get_or_create(
            product_class=product.product_class,
            code=LARGE_ATTRIBUTE,
            defaults={"name": "Two-person delivery", "type": ProductAttribute.BOOLEAN},
        )
        created += was_created
        _, was_created = ProductAttributeValue.objects.get_or_create(
            product=product, attribute=attribute, defaults={"value_boolean": True}
        )
        created += was_created
    return created


def load_slots():
    today = timezone.localdate()
    created = 0
    for starts, ends in WINDOWS:
        created += len(
            add_slots(
                first_day=today + timedelta(days=1),
                last_day=today + timedelta(weeks=SLOT_WEEKS),
                starts=starts,
                ends=ends,
                capacity=CREW_CAPACITY,
                weekdays={0, 1, 2, 3, 4},
            )
        )
    return created
