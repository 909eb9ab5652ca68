"""Gift cards and store credit: stored value with an append-only ledger.

The same guarantees as the points ledger (loyalty.bookkeeping): a balance lives on one row that
is locked while it is read, checked and moved; every movement is a `WalletEntry` keyed by the
event that caused it (replayed, it finds its row and changes nothing); the database refuses a
negative balance, an entry that moves nothing, and a hold that returns more than it took.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyalty.bookkeeping import AppendOnly

ZERO = Decimal("0.00")


class StoredValue(models.Model):
    """Money kept for a customer: a gift card (found by its code) or their store credit (one each)."""

    class Kind(models.TextChoices):
        GIFT_CARD = "gift_card", _("Gift card")
        STORE_CREDIT = "store_credit", _("Store credit")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    # A gift card's code is never stored: its SHA-256 (codes are long and random, so the digest
    # cannot be reversed by trying codes) and its last four characters, to tell cards apart. A
    # bought card has none until it is sent on its delivery date (GiftCardPurchase).
    code_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    code_hint = models.CharField(max_length=4, blank=True)
    # Store credit: its customer. Gift card: who added it to their wallet (None until then).
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="stored_values"
    )
    balance = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    initial_amount = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    currency = models.CharField(max_length=3, default="GBP")
    expires_on = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("issue_store_credit", "Can issue store credit")]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="wallet_balance_never_negative"),
            models.UniqueConstraint(
                fields=["holder"], condition=Q(kind="store_credit"), name="wallet_one_store_credit_per_customer"
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.STORE_CREDIT:
            return str(_("Store credit"))
        return _("Gift card ending %(hint)s") % {"hint": self.code_hint}

    @property
    def is_gift_card(self):
        return self.kind == self.Kind.GIFT_CARD

    def is_expired(self, today=None):
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())


class GiftCardPurchase(models.Model):
    """A gift card bought on an order line: who it is for and when it is sent to them.

    The card exists from payment (its balance counts from then); its code is made, e-mailed with
    the PDF card and forgotten on the delivery date, once (`sent_at`)."""

    card = models.OneToOneField(StoredValue, on_delete=models.CASCADE, related_name="purchase")
    order_line = models.OneToOneField("order.Line", on_delete=models.PROTECT, related_name="gift_card_purchase")
    recipient_name = models.CharField(max_length=100)
    recipient_email = models.EmailField()
    sender_name = models.CharField(max_length=100, blank=True)
    message = models.TextField(max_length=500, blank=True)
    deliver_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["deliver_on"], condition=Q(sent_at__isnull=True), name="wallet_unsent_due")]

    def __str__(self):
        return f"{self.card} for {self.recipient_email}"


class WalletEntry(AppendOnly):
    """One movement of money on a gift card or store credit. Rows are only ever added."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issued")
        CREDIT = "credit", _("Store credit issued")
        HOLD = "hold", _("Used at checkout")
        RELEASE = "release", _("Returned from a checkout")
        REFUND = "refund", _("Refunded")

    value = models.ForeignKey(StoredValue, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2, help_text=_("Signed: positive adds."))
    reason = models.CharField(max_length=255)
    reference = models.CharField(max_length=64, blank=True, help_text=_("Order number, claim, …"))
    idempotency_key = models.CharField(max_length=128, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name_plural = "wallet entries"
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="wallet_entry_moves_money")]
        indexes = [models.Index(fields=["value", "-created"])]

    def __str__(self):
        return f"{self.signed_amount} {self.kind} ({self.reason})"

    @property
    def signed_amount(self):
        """The amount as the history shows it: "+£5.00" or "-£5.00"."""
        return f"{'+' if self.amount > 0 else '-'}£{abs(self.amount):.2f}"


class WalletHold(models.Model):
    """Money set aside from a card or credit for a basket: attached to the order when it is placed,
    spent when it is paid, released if it never is; what a refund gives back is counted in
    `returned`, never more than was taken."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        SPENT = "spent", _("Spent")
        RELEASED = "released", _("Released")

    value = models.ForeignKey(StoredValue, on_delete=models.CASCADE, related_name="holds")
    basket_id = models.PositiveIntegerField(db_index=True)
    order_number = models.CharField(max_length=128, blank=True, db_index=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    returned = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="wallet_hold_takes_money"),
            models.CheckConstraint(
                condition=Q(returned__gte=0) & Q(returned__lte=F("amount")), name="wallet_hold_returns_at_most_taken"
            ),
            models.UniqueConstraint(
                fields=["value", "basket_id"], condition=Q(status="held"), name="wallet_one_hold_per_card_and_basket"
            ),
        ]

    def __str__(self):
        return f"{self.amount} from {self.value} ({self.status})"
