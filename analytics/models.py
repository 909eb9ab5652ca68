"""What an order line cost us, frozen when it was bought.

Margins are only as good as the cost they subtract, and costs move: a merchandiser edits an
option's cost, a planner a work center's rate. A line's cost is therefore computed once, at
purchase, from the family version it was configured on and the rates of that day, and kept.
Later changes price the orders to come and never rewrite one already sold.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class ProductCost(models.Model):
    """What one unit of a stocked product costs us (bought in, landed). Oscar 4 keeps no cost on a
    stock record, so it is kept here, by merchandisers in the admin; a configured product is
    costed from its family's options instead."""

    product = models.OneToOneField("catalogue.Product", on_delete=models.CASCADE, related_name="cost")
    unit_cost = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text="per unit, in the shop's currency, for margins",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_cost__gte=0), name="analytics_unit_cost_not_negative")
        ]

    def __str__(self):
        return f"{self.product} costs {self.unit_cost}"


class LineCost(models.Model):
    """The unit cost of one order line: materials and planned labour, and the actual labour once
    its work order is finished. One per line (a replayed `order_paid` adds nothing).

    A figure that could not be known is null, never zero, and `problem` says why (the family was
    deleted, the stocked product has no unit cost, the family has no routing): the row is kept
    so the line is not costed again and staff can see what is missing.
    """

    line = models.OneToOneField("order.Line", on_delete=models.CASCADE, related_name="cost")
    # Denormalised from the line, for figures by order and customer without a join through lines.
    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="line_costs")
    quantity = models.PositiveIntegerField()
    currency = models.CharField(max_length=12)
    # The configuration's family and the version it was bought on; blank for stocked goods.
    family_slug = models.SlugField(blank=True)
    family_version = models.PositiveIntegerField(null=True, blank=True)

    materials_per_unit = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    # [{"option", "value", "cost", "price"}]: the base and each priced choice, what it cost and sold
    # for per unit (the quote's lines), so margin by option value reads what was true at purchase.
    materials = models.JSONField(default=list, blank=True)
    labour_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="planned, for the whole line")
    labour_per_unit = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    # [{"step", "minutes", "work_center", "rate_per_hour"}]: the routing's operations as costed.
    labour = models.JSONField(default=list, blank=True)
    problem = models.CharField(max_length=300, blank=True, help_text="why a figure is missing; blank when complete")
    computed_at = models.DateTimeField()

    actual_labour_minutes = models.PositiveIntegerField(null=True, blank=True)
    actual_labour_per_unit = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    actual_labour = models.JSONField(default=list, blank=True)
    actual_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "line"]
        # Margins, contributions and the rest of the value analytics read every customer's orders:
        # a permission of their own, given to merchandisers (portal/demo/analytics.py).
        permissions = [("view_analytics", "Can view the value analytics (margins, contributions)")]
        indexes = [models.Index(fields=["computed_at"], name="analytics_cost_computed")]

    def __str__(self):
        return f"Cost of line {self.line_id} (order {self.order_id})"

    @property
    def is_complete(self):
        return not self.problem

    @property
    def unit_cost(self):
        """Materials plus planned labour per unit; None while either is unknown."""
        if self.materials_per_unit is None or self.labour_per_unit is None:
            return None
        return self.materials_per_unit + self.labour_per_unit

    @property
    def line_cost(self):
        """The whole line's planned cost, to the penny; None while unknown."""
        unit = self.unit_cost
        return None if unit is None else (unit * self.quantity).quantize(Decimal("0.01"))
