"""The nightly roll-ups of the margin dashboard: summary tables by day, and the ledger of the days built.

Each table holds, per day (the day an order was placed, in the shop's time zone), the sums the
margin selectors would compute from raw orders, unrounded: a page over a period sums the days and
rounds once, so its figures are the raw computation's to the penny. A day is rebuilt whole (delete
and insert in one transaction, its `RollupDay` row beside them), so running it twice changes nothing.
See analytics/rollup.py for how the days are chosen and docs/operations.md for running it.
"""

from django.conf import settings
from django.db import models

# Sums of many lines' shares (revenue x price / listed): more decimals than money, so the days add
# up to what the raw computation sums before it rounds.
SUM = {"max_digits": 30, "decimal_places": 12, "default": 0}


class RollupDay(models.Model):
    """A day whose roll-up rows are built, and when: pages read the roll-ups for these days and
    compute the others (today, a day that failed) from raw orders."""

    day = models.DateField(primary_key=True)
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} rolled up at {self.built_at:%Y-%m-%d %H:%M}"


class RollupRun(models.Model):
    """One run of the roll-up. The next incremental run rebuilds the days of whatever changed
    since the last successful run started (a late refund, the actual labour, a remake)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    full = models.BooleanField(default=False)
    days = models.PositiveIntegerField(default=0)
    failed_days = models.JSONField(default=list, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Roll-up of {self.days} day(s) started {self.started_at:%Y-%m-%d %H:%M}"


class FamilyMarginDay(models.Model):
    """Margin by product family and day: the lines with a known cost, and the others apart."""

    day = models.DateField()
    family_key = models.CharField(max_length=100)  # a family's slug, "stocked" or "not-costed"
    lines = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**SUM)
    cost = models.DecimalField(**SUM)
    unknown_lines = models.PositiveIntegerField(default=0)
    unknown_revenue = models.DecimalField(**SUM)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "family_key"], name="analytics_family_day_once")]

    def __str__(self):
        return f"{self.family_key} on {self.day}"


class OptionMarginDay(models.Model):
    """Margin by option value and day: each priced choice's share of its lines (analytics.option_shares),
    and a labour row per family. `value` is the stored value as the database writes JSON; the
    selectors read it back into the raw computation's key."""

    day = models.DateField()
    family_slug = models.SlugField(max_length=100)
    option = models.CharField(max_length=100)
    value = models.TextField(blank=True)
    lines = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**SUM)
    cost = models.DecimalField(**SUM)

    class Meta:
        indexes = [models.Index(fields=["day", "family_slug"], name="analytics_option_day")]

    def __str__(self):
        return f"{self.family_slug} {self.option}={self.value} on {self.day}"


class ContributionDay(models.Model):
    """A customer's contribution figures for a day's orders (guests: no user). A customer and day
    may have several rows (lines, points, refunds and remakes are summed apart); pages add them up."""

    day = models.DateField()
    # No foreign-key constraint: the table is rebuilt from the orders, and erasing a customer must
    # not wait on it; the join to the loyalty account still works for segments and tiers.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    orders = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**SUM)  # before discounts, excl. tax
    paid = models.DecimalField(**SUM)  # as paid, excl. tax
    cost = models.DecimalField(**SUM)
    unknown_lines = models.PositiveIntegerField(default=0)
    points = models.DecimalField(**SUM)
    refunds = models.DecimalField(**SUM)
    remakes = models.DecimalField(**SUM)
    remakes_unknown = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day", "user"], name="analytics_contribution_day"),
            # A customer's days, for refreshing the window of the customers a night touched.
            models.Index(fields=["user", "day"], name="analytics_contribution_user"),
        ]

    def __str__(self):
        return f"Contribution of {self.user_id or 'guests'} on {self.day}"


class ContributionWindow(models.Model):
    """The contributions of the last `days` built days as of the night's run (a row a window: the
    last 12 months, the last 30 days; analytics/rollup_window.WINDOWS): the days `start` to
    `through` summed by customer (`CustomerContribution`) and by segment and tier
    (`GroupContribution`), so the page reads a few dozen rows instead of a row per order.
    `valid` is cleared, in the same transaction, by any rebuild of a day inside the window; the
    pages then read the daily tables until the run refreshes it."""

    days = models.PositiveSmallIntegerField(default=364, unique=True)
    start = models.DateField()
    through = models.DateField()
    built_at = models.DateTimeField()
    valid = models.BooleanField(default=False)

    def __str__(self):
        return f"Contributions {self.start} to {self.through} ({'valid' if self.valid else 'stale'})"


class CustomerContribution(models.Model):
    """A customer's contribution figures summed over a window (`days`, its `ContributionWindow`;
    guests: one row with no user), the contribution as the page orders it (each part rounded),
    indexed for the lowest few, and the customer's segment and tier when the row was summed (the
    window's groups are the sums of its rows by those two; a change of either refreshes the row)."""

    days = models.PositiveSmallIntegerField(default=364)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    orders = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**SUM)
    paid = models.DecimalField(**SUM)
    cost = models.DecimalField(**SUM)
    unknown_lines = models.PositiveIntegerField(default=0)
    points = models.DecimalField(**SUM)
    refunds = models.DecimalField(**SUM)
    remakes = models.DecimalField(**SUM)
    remakes_unknown = models.PositiveIntegerField(default=0)
    contribution = models.DecimalField(max_digits=30, decimal_places=2, default=0)
    segment = models.CharField(max_length=30, null=True, blank=True)  # none: no loyalty account
    tier = models.CharField(max_length=100, null=True, blank=True)  # the tier's name; none: no tier

    class Meta:
        constraints = [models.UniqueConstraint(fields=["days", "user"], name="analytics_window_customer_once")]
        indexes = [models.Index(fields=["days", "contribution", "user"], name="analytics_window_lowest")]

    def __str__(self):
        return f"Window contribution of {self.user_id or 'guests'}"


class GroupContribution(models.Model):
    """The window's contributions by RFM segment and loyalty tier together (the customers' accounts
    as of the run), with no customer in them: a few dozen rows a window, summed by segment or by tier."""

    days = models.PositiveSmallIntegerField(default=364)
    segment = models.CharField(max_length=30, null=True, blank=True)  # none: no loyalty account
    tier = models.CharField(max_length=100, null=True, blank=True)  # the tier's name; none: no tier
    customers = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**SUM)
    paid = models.DecimalField(**SUM)
    cost = models.DecimalField(**SUM)
    unknown_lines = models.PositiveIntegerField(default=0)
    points = models.DecimalField(**SUM)
    refunds = models.DecimalField(**SUM)
    remakes = models.DecimalField(**SUM)
    remakes_unknown = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Window contribution of {self.segment or '–'} / {self.tier or '–'}"
