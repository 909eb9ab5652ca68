"""The loyalty programme's data: accounts, the append-only ledger, lots, holds, rules, tiers, segments.

Invariants held by the database, not only by code: an account's available and pending
points are never negative (check constraints); every ledger row has a key unique per
source event, so an event replayed finds its row and changes nothing; a lot's remaining
points stay between zero and what it was given.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import DraftStateMixin, RevisionMixin

from .bookkeeping import AppendOnly
from .wording import check_placeholders, language_choices


class Segment(models.TextChoices):
    CHAMPIONS = "champions", _("Champions (premium)")
    LOYAL = "loyal", _("Loyal (major)")
    ORDINARY = "ordinary", _("Ordinary")
    AT_RISK = "at_risk", _("At risk")
    POTENTIAL = "potential", _("Potential (never bought)")
    NEW = "new", _("New")


class ValueClass(models.TextChoices):
    """What a customer is worth to the shop over 12 months (computed nightly by the analytics app,
    which owns the rule; kept here beside the RFM segment so reminders, campaigns and content can
    target it without reading the analytics app)."""

    PREMIUM = "premium", _("Premium")
    MAJOR = "major", _("Major")
    ORDINARY = "ordinary", _("Ordinary")
    RESTRICTED = "restricted", _("Restricted")
    POTENTIAL = "potential", _("Potential")


def value_class_codes(text):
    """The codes of a comma-separated list of value classes (a campaign's, a reminder rule's)."""
    return [code.strip() for code in (text or "").split(",") if code.strip()]


def check_value_classes(text):
    """Refuse a code that is no value class, naming it and the codes there are."""
    unknown = [code for code in value_class_codes(text) if code not in ValueClass.values]
    if unknown:
        raise ValidationError(
            _("Not a value class: %(unknown)s. Use %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(ValueClass.values)}
        )


class Tier(models.Model):
    """A level of the programme, reached by rolling 12-month spend, with its benefits."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=40)
    min_spend_12m = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    earn_multiplier = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1.00"))
    free_shipping = models.BooleanField(default=False)
    # Read by production's scheduler through loyalty.selectors.accounts.production_weight: higher goes first.
    production_weight = models.PositiveSmallIntegerField(default=1)
    early_access_days = models.PositiveSmallIntegerField(
        default=0, help_text=_("Days before a campaign starts that members of this tier may already use it.")
    )

    class Meta:
        ordering = ["min_spend_12m"]

    def __str__(self):
        return self.name

    def benefits(self):
        items = []
        if self.earn_multiplier != 1:
            items.append(_("%(m)s× points on every order") % {"m": f"{self.earn_multiplier.normalize():f}"})
        if self.free_shipping:
            items.append(_("Free standard shipping"))
        if self.production_weight > 1:
            items.append(_("Priority in the workshop"))
        if self.early_access_days:
            items.append(_("Campaigns %(d)s days early") % {"d": self.early_access_days})
        return items


class LoyaltyAccount(models.Model):
    """One per customer: the balances the ledger adds up to, tier and segment. Locked to spend."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty_account")
    available = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    # Not indexed on purpose: the nightly recompute rewrites these for every customer, and without
    # an index on them PostgreSQL updates rows in place (HOT) instead of touching every index.
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts", db_index=False
    )
    segment = models.CharField(max_length=16, choices=Segment.choices, default=Segment.NEW)
    # Written nightly by analytics (its value-class run); not indexed, for the same reason as tier.
    # db_default too: the nightly recompute and the benchmarks create accounts in plain SQL.
    value_class = models.CharField(
        max_length=16, choices=ValueClass.choices, default=ValueClass.POTENTIAL, db_default=ValueClass.POTENTIAL
    )
    spend_12m = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    # A downgrade waits until this date (the grace period); cleared when spend recovers.
    downgrade_due_on = models.DateField(null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("manage_loyalty", "Can manage the loyalty programme")]
        constraints = [
            models.CheckConstraint(condition=Q(available__gte=0), name="loyalty_available_never_negative"),
            models.CheckConstraint(condition=Q(pending__gte=0), name="loyalty_pending_never_negative"),
        ]

    def __str__(self):
        return f"{self.user} ({self.available} points)"


class LedgerEntry(AppendOnly):
    """One movement of points. Rows are only ever added: corrections are new rows."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        VEST = "vest", _("Became available")
        REDEEM = "redeem", _("Redeemed")
        RELEASE = "release", _("Returned from a checkout")
        EXPIRE = "expire", _("Expired")
        REVERSE = "reverse", _("Reversed (refund)")
        ADJUST = "adjust", _("Adjusted by staff")

    class Source(models.TextChoices):
        ORDER = "order", _("Order")
        REVIEW = "review", _("Review")
        BIRTHDAY = "birthday", _("Birthday")
        REFERRAL = "referral", _("Referral")
        MANUAL = "manual", _("Manual")
        CHECKOUT = "checkout", _("Checkout")
        PROGRAMME = "programme", _("Programme")

    class Bucket(models.TextChoices):
        AVAILABLE = "available", _("Available")
        PENDING = "pending", _("Pending")

    # Rows are never edited or removed one by one; erasing a person (GDPR) removes their account
    # and its ledger with it.
    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    bucket = models.CharField(max_length=10, choices=Bucket.choices, default=Bucket.AVAILABLE)
    points = models.IntegerField(help_text=_("Signed: positive adds to the bucket, negative takes from it."))
    reason = models.CharField(max_length=255)
    reference = models.CharField(max_length=64, blank=True, help_text=_("Order number, review id, …"))
    # One key per source event: "earn:order:100023", "reverse:order:100023:re_123".
    idempotency_key = models.CharField(max_length=128, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name_plural = "ledger entries"
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="loyalty_entry_moves_points")]
        indexes = [models.Index(fields=["account", "-created"])]

    def __str__(self):
        return f"{self.points:+d} {self.kind} ({self.reason})"


class PointsLot(models.Model):
    """Points that became available together: spent and expired oldest first."""

    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="lots")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.CASCADE, related_name="lot")
    points = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField()
    available_on = models.DateField()
    expires_on = models.DateField(db_index=True)

    class Meta:
        ordering = ["expires_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(remaining__lte=models.F("points")), name="loyalty_lot_le")]

    def __str__(self):
        return f"{self.remaining}/{self.points} until {self.expires_on}"


class PendingEarn(models.Model):
    """Points earned on an order, waiting for delivery or the waiting period, then available."""

    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="pending_earns")
    order_number = models.CharField(max_length=128, unique=True)
    order_id = models.BigIntegerField(db_index=True)
    points = models.PositiveIntegerField(
        help_text=_(
            "Earned on the order; grows only when a paid design change adds a payment "
            "(loyalty.services.extra_payments)."
        )
    )
    remaining = models.PositiveIntegerField(help_text=_("Still pending after reversals."))
    paid_total = models.DecimalField(max_digits=12, decimal_places=2)
    refunded_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    reversed_points = models.PositiveIntegerField(default=0)
    available_on = models.DateField()
    vested = models.BooleanField(default=False, db_index=True)

    def __str__(self):
        return f"{self.points} pending on {self.order_number}"


class PointsHold(models.Model):
    """Points set aside for a basket at checkout: spent when its order is paid, or released."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        SPENT = "spent", _("Spent")
        RELEASED = "released", _("Released")

    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="holds")
    basket_id = models.BigIntegerField(db_index=True)
    order_number = models.CharField(max_length=128, blank=True, db_index=True)
    points = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    restored_points = models.PositiveIntegerField(default=0, help_text=_("Given back by refunds."))
    # [[lot id, points], ...] taken from the lots, so a release puts them back where they were.
    lots = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["basket_id"], condition=Q(status="held"), name="loyalty_one_held_hold_per_basket"
            )
        ]

    def __str__(self):
        return f"{self.points} points {self.status} for basket {self.basket_id}"


class RefundApplied(models.Model):
    """A refund whose points were already reversed: a replayed `order_refunded` finds it."""

    order_number = models.CharField(max_length=128)
    refund_reference = models.CharField(max_length=128)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order_number", "refund_reference"], name="loyalty_refund_applied_once")
        ]

    def __str__(self):
        return f"{self.order_number}: {self.refund_reference}"


class ProgrammeRules(models.Model):
    """The programme's numbers, edited by staff. One row (pk=1)."""

    points_per_unit = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("1.00"), help_text=_("Points per pound spent.")
    )
    point_value = models.DecimalField(
        max_digits=6, decimal_places=4, default=Decimal("0.0100"), help_text=_("Pounds off per point redeemed.")
    )
    min_redeem = models.PositiveIntegerField(default=500)
    redeem_step = models.PositiveIntegerField(default=100)
    max_redeem_share = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.50"), help_text=_("At most this share of the order.")
    )
    pending_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Order points become available on delivery or after this many days.")
    )
    expiry_months = models.PositiveSmallIntegerField(default=12)
    downgrade_grace_days = models.PositiveSmallIntegerField(default=30)
    first_order_bonus = models.PositiveIntegerField(default=200)
    review_bonus = models.PositiveIntegerField(default=50)
    birthday_bonus = models.PositiveIntegerField(default=250)
    referral_bonus_referrer = models.PositiveIntegerField(default=500)
    referral_bonus_friend = models.PositiveIntegerField(default=250)

    class Meta:
        verbose_name = verbose_name_plural = "programme rules"

    def __str__(self):
        return "Loyalty programme rules"

    def clean(self):
        if not (0 < self.max_redeem_share <= 1):
            raise ValidationError({"max_redeem_share": _("Between 0 and 1.")})
        if self.redeem_step < 1:
            raise ValidationError({"redeem_step": _("At least 1.")})

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]


class EarnMultiplier(models.Model):
    """More points for a product family (product class) or a category, always."""

    product_class = models.ForeignKey(
        "catalogue.ProductClass", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "catalogue.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    multiplier = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(product_class__isnull=False) | Q(category__isnull=False), name="loyalty_multiplier_scoped"
            ),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="loyalty_multiplier_positive"),
        ]

    def __str__(self):
        return f"×{self.multiplier} on {self.product_class or self.category}"


class Campaign(models.Model):
    """Extra points for a while, on everything or on one family or category."""

    name = models.CharField(max_length=80)
    starts_on = models.DateField()
    ends_on = models.DateField()
    multiplier = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1.00"))
    bonus_points = models.PositiveIntegerField(default=0, help_text=_("Per order in the campaign."))
    product_class = models.ForeignKey(
        "catalogue.ProductClass", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "catalogue.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value_classes = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Comma-separated value classes the campaign is for; empty means every customer"),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A campaign ends on or after the day it starts.")
        if self.multiplier is not None and self.multiplier <= 0:
            errors["multiplier"] = _("The multiplier must be more than zero.")
        try:
            check_value_classes(self.value_classes)
        except ValidationError as error:
            errors["value_classes"] = error.messages
        if errors:
            raise ValidationError(errors)
        if self.active and self.starts_on and self.ends_on:
            # Campaigns for different value classes reach different customers: they may overlap.
            clash = next((other for other in self.conflicts() if self._shares_customers_with(other)), None)
            if clash is not None:
                raise ValidationError(
                    _("Overlaps “%(name)s” (%(start)s to %(end)s) on the same products with different rules.")
                    % {"name": clash.name, "start": clash.starts_on, "end": clash.ends_on}
                )

    @property
    def value_class_codes(self):
        return value_class_codes(self.value_classes)

    def is_for(self, value_class):
        """Whether a customer of this value class earns with the campaign (empty: everyone)."""
        codes = self.value_class_codes
        return not codes or value_class in codes

    def _shares_customers_with(self, other):
        mine, theirs = set(self.value_class_codes), set(other.value_class_codes)
        return not mine or not theirs or bool(mine & theirs)

    def conflicts(self):
        """Active campaigns on the same scope whose dates overlap and whose rules differ."""
        return (
            Campaign.objects.filter(
                active=True,
                starts_on__lte=self.ends_on,
                ends_on__gte=self.starts_on,
                product_class=self.product_class_id,
                category=self.category_id,
            )
            .exclude(pk=self.pk)
            .exclude(multiplier=self.multiplier, bonus_points=self.bonus_points)
        )


class InviteCode(models.Model):
    """A member's invite code, shared in a link and carried into a friend's registration.

    Random (not derived from the user id), from an alphabet without look-alike characters, and
    stored upper case: a code typed in lower case is the same code."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invite_code")
    code = models.CharField(max_length=16, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.code


class Referral(models.Model):
    """A friend signed up with a member's link: both earn after the friend's first paid order.

    Pending until that order is paid; then rewarded, or refused with the reason (the same card
    or address as the referrer's); a rewarded referral whose order is refunded in full is
    reversed, its points taken back."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the friend's first order")
        REWARDED = "rewarded", _("Rewarded")
        REFUSED = "refused", _("Refused")
        REVERSED = "reversed", _("Taken back (order refunded)")

    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    friend = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16, blank=True, help_text=_("The invite code the friend registered with"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=255, blank=True, help_text=_("Why it was refused or taken back"))
    rewarded_order = models.CharField(max_length=128, blank=True)
    referrer_points = models.PositiveIntegerField(default=0)
    friend_points = models.PositiveIntegerField(default=0)
    decided = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(referrer=models.F("friend")), name="loyalty_no_self_referral")
        ]
        indexes = [models.Index(fields=["referrer", "-created"])]

    def __str__(self):
        return f"{self.referrer_id} referred {self.friend_id}"


class Adjustment(models.Model):
    """Audit of a staff adjustment: who, when, why (the ledger row holds the points)."""

    entry = models.OneToOneField(LedgerEntry, on_delete=models.CASCADE, related_name="adjustment")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.entry} by {self.staff_id}"


class SegmentHistory(models.Model):
    """A customer's segment and tier as of a nightly run: movement between segments is reportable."""

    user_id = models.BigIntegerField()  # the unique (user_id, computed_on) index serves lookups by user
    computed_on = models.DateField()
    segment = models.CharField(max_length=16, choices=Segment.choices)
    previous_segment = models.CharField(max_length=16, choices=Segment.choices, blank=True)
    recency_days = models.IntegerField(null=True)
    frequency = models.IntegerField(default=0)
    monetary = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    rfm = models.CharField(max_length=3, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "computed_on"], name="loyalty_segment_once_a_day")]

    def __str__(self):
        return f"{self.user_id}: {self.segment} on {self.computed_on}"


class TierChange(models.Model):
    """A tier change, or a downgrade coming after the grace period, that the customer was told of
    (in the same transaction as the change, so there is no "still to tell" state to keep)."""

    class Kind(models.TextChoices):
        UP = "up", "Moved up"
        DOWN = "down", "Moved down"
        GRACE = "grace", "Downgrade announced"

    user_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.UP)
    from_tier = models.CharField(max_length=40, blank=True)
    to_tier = models.CharField(max_length=40)
    changed_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)  # a grace notice: the day the tier will follow the spend

    def __str__(self):
        return f"{self.user_id}: {self.from_tier} → {self.to_tier}"


_language_choices = language_choices  # the name migration 0008 refers to


class TierNotice(DraftStateMixin, RevisionMixin, models.Model):
    """What a customer is told of a tier change of one kind, in one language: editors write it in
    Wagtail (Reminders > Tier notices), with drafts; until one is published for a kind, the default
    copy in loyalty/notices.py is used.

    Its placeholders are filled by the database in the statement that tells a whole night's
    customers at once, so only the tier change's own values are offered, and an unknown one is
    refused by name when saving.
    """

    kind = models.CharField(max_length=8, choices=TierChange.Kind.choices)
    language = models.CharField(max_length=12, choices=_language_choices, default="en-gb")
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text=_("Plain text. Placeholders: {from_tier}, {to_tier}, and for a coming downgrade {due_on}.")
    )

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("language")]), FieldPanel("subject"), FieldPanel("body")]

    class Meta:
        verbose_name = _("tier notice")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="loyalty_one_tier_notice_per_language")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language})"

    def clean(self):
        from .notices import unknown_placeholders

        super().clean()
        allowed = unknown_placeholders(self.kind, "")[1]
        check_placeholders(
            {"subject": self.subject, "body": self.body},
            lambda words: unknown_placeholders(self.kind, words)[0],
            allowed,
        )
