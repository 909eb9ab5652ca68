"""Orders for loyalty tests: placed through Oscar's OrderCreator from a real basket."""

from decimal import Decimal

from oscar.core.loading import get_class, get_model

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")
Free = get_class("shipping.methods", "Free")

_counter = iter(range(1, 10_000))


def make_paid_order(user, *, total="100.00", upc="ATL-FILTER", status="Paid"):
    """An order whose lines add up to `total` (the stocked product's price scaled by quantity)."""
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    product = Product.objects.get(upc=upc)
    basket.add_product(product, 1)
    line = basket.all_lines()[0]
    method = Free()
    charge = method.calculate(basket)
    order_total = OrderTotalCalculator().calculate(basket, charge)
    order = OrderCreator().place_order(
        basket=basket,
        total=order_total,
        shipping_method=method,
        shipping_charge=charge,
        user=user,
        order_number=f"LT-{next(_counter):05d}-{user.pk}",
        status=status,
    )
    basket.submit()
    # The amount matters to the tests, not the product: set the line and order to `total`.
    amount = Decimal(total)
    order.lines.update(
        line_price_incl_tax=amount, line_price_excl_tax=amount, line_price_before_discounts_incl_tax=amount
    )
    Order.objects.filter(pk=order.pk).update(total_incl_tax=amount, total_excl_tax=amount)
    order.refresh_from_db()
    assert line is not None
    return order
