"""What an order line cost us, frozen when it was bought.

Margins are only as good as the cost they subtract, and costs move: a merchandiser edits an
option's cost, a planner a work center's rate. A line's cost is therefore computed once, at
purchase, from the family version it was configured on and the rates of that day, and kept.
Later changes price the orders to come and never rewrite one already sold.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from loyalty.models import ValueClass


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
        indexes = [
            models.Index(fields=["computed_at"], name="analytics_cost_computed"),
            # The nightly roll-up finds the old days whose actual labour arrived since its last run.
            models.Index(fields=["actual_recorded_at"], name="analytics_cost_actual"),
        ]

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


class ValueClassRules(models.Model):
    """The cut that sorts customers into value classes, set by merchandisers (one row).

    From 12-month contribution (revenue − cost − discounts − points − refunds − remakes):
    premium are the top `premium_percent` of buying customers, major the next ones up to
    `major_percent`, ordinary the rest; restricted whoever contributed less than nothing or
    abuses (refunds or complaints above the limits over at least `abuse_min_orders` orders);
    potential whoever registered and never bought.
    """

    premium_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("4.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="the top share of buying customers, by contribution, who are premium",
    )
    major_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="the top share of buying customers who are premium or major (the Pareto cut)",
    )
    refund_rate_limit = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("100"))],
        help_text="per cent of revenue refunded above which a customer is restricted",
    )
    complaint_rate_limit = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("100"))],
        help_text="complaints per hundred orders above which a customer is restricted",
    )
    abuse_min_orders = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="the refund and complaint limits apply from this many orders in 12 months",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "value class rules"
        verbose_name_plural = "value class rules"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(premium_percent__lte=models.F("major_percent")),
                name="analytics_premium_within_major",
            )
        ]

    def __str__(self):
        return f"Premium top {self.premium_percent}%, major to {self.major_percent}%"

    def clean(self):
        if (
            self.premium_percent is not None
            and self.major_percent is not None
            and self.premium_percent > self.major_percent
        ):
            raise ValidationError({"major_percent": "The major cut includes the premium customers: at least as large."})


class ValueClassHistory(models.Model):
    """A customer's value class, recorded once each time it changes (the first classification
    included), with the figures that decided it. Nightly runs that change nothing add nothing."""

    user_id = models.BigIntegerField()  # no FK: history outlives the join cost at a million customers
    computed_on = models.DateField()
    value_class = models.CharField(max_length=16, choices=ValueClass.choices)
    previous_class = models.CharField(max_length=16, choices=ValueClass.choices, blank=True)
    contribution_12m = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    orders_12m = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=200, blank=True, help_text="why restricted, when it is")

    class Meta:
        ordering = ["-computed_on", "user_id"]
        verbose_name_plural = "value class history"
        constraints = [
            models.UniqueConstraint(fields=["user_id", "computed_on"], name="analytics_value_class_once_a_day")
        ]
        indexes = [models.Index(fields=["computed_on", "value_class"], name="analytics_class_day")]

    def __str__(self):
        return f"{self.user_id}: {self.value_class} from {self.computed_on}"


# The margin dashboard's nightly roll-ups live in a module of their own (analytics/rollup.py writes them).
from .rollup_models import (  # noqa: E402, F401
    ContributionDay,
    ContributionWindow,
    CustomerContribution,
    FamilyMarginDay,
    GroupContribution,
    OptionMarginDay,
    RollupDay,
    RollupRun,
)
