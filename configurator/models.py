"""Configurable product families: the editable draft, its published versions, saved designs.

Staff edit a family's options, choices, rules and prices freely; shoppers only ever see a
published `FamilyVersion`, an immutable snapshot of the whole schema. Publishing checks the
schema first (no unknown references, no contradictory or circular rules, valid defaults), so
a version in use is always coherent. Designs and basket lines remember the version they were
made on and are re-checked against the current one.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .schema import draft_schema_problems


class ProductFamily(models.Model):
    """A made-to-order product whose options shoppers choose (the fridge, the sofa, the tee)."""

    class Preview(models.TextChoices):
        FRIDGE = "fridge", _("Refrigerator")
        SOFA = "sofa", _("Modular sofa")
        GARMENT = "garment", _("T-shirt")
        TOTE = "tote", _("Tote bag")

    product = models.OneToOneField("catalogue.Product", on_delete=models.PROTECT, related_name="family")
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    preview = models.CharField(max_length=20, choices=Preview.choices, help_text=_("Which drawing shows a design"))
    base_price = models.DecimalField(
        max_digits=10, decimal_places=2, help_text=_("Price incl. VAT of the all-defaults design")
    )
    base_cost = models.DecimalField(max_digits=10, decimal_places=2, default=0, help_text=_("Unit cost, for margins"))
    base_lead_days = models.PositiveSmallIntegerField(default=5, help_text=_("Working days to build the base design"))
    current_version = models.ForeignKey(
        "FamilyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name_plural = _("product families")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OptionGroup(models.Model):
    family = models.ForeignKey(ProductFamily, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["family", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["family", "name"], name="unique_group_name_per_family")]

    def __str__(self):
        return self.name


class Option(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("Single choice")
        MULTI = "multi", _("Multiple choice")
        BOOLEAN = "boolean", _("Yes / no")
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        TEXT = "text", _("Free text")
        QUANTITY = "quantity", _("Quantity")

    NUMERIC_KINDS = (Kind.INTEGER, Kind.DECIMAL, Kind.QUANTITY)

    family = models.ForeignKey(ProductFamily, on_delete=models.CASCADE, related_name="options")
    group = models.ForeignKey(OptionGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="options")
    code = models.SlugField(max_length=40, help_text=_("Stable identifier used in rules, designs and the API"))
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    required = models.BooleanField(default=True)
    help_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    default = models.CharField(
        max_length=200, blank=True, help_text=_("Choice code, true/false, a number, text; comma-separated for multi")
    )
    # Yes/no and free text: what being "on" adds.
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    lead_days = models.SmallIntegerField(default=0)
    # Numbers: range, step and a linear price above the value included in the base price.
    minimum = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    maximum = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    step = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=12, blank=True, help_text=_("As after any number but one: cm, seats, shirts…"))
    unit_singular = models.CharField(
        max_length=12, blank=True, help_text=_("As after one, if it differs: seat, shirt… (blank for cm)")
    )
    base_value = models.DecimalField(
        max_digits=10, decimal_places=3, null=True, blank=True, help_text=_("Value included in the base price")
    )
    price_per_unit = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    cost_per_unit = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    # Text: length and allowed characters.
    min_length = models.PositiveSmallIntegerField(default=0)
    max_length = models.PositiveSmallIntegerField(null=True, blank=True)
    pattern = models.CharField(
        max_length=200, blank=True, help_text=_("A regular expression the whole text must match")
    )
    pattern_help = models.CharField(max_length=120, blank=True, help_text=_("The allowed characters, in words"))
    # Multiple choice: how many may be picked.
    min_selected = models.PositiveSmallIntegerField(default=0)
    max_selected = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["family", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["family", "code"], name="unique_option_code_per_family")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        if self.kind in self.NUMERIC_KINDS:
            if self.minimum is None or self.maximum is None:
                raise ValidationError(_("A number option needs a minimum and a maximum."))
            if self.minimum > self.maximum:
                raise ValidationError({"maximum": _("The maximum is below the minimum.")})
            if self.step is not None and self.step <= 0:
                raise ValidationError({"step": _("The step must be positive.")})
        if self.max_length is not None and self.max_length < self.min_length:
            raise ValidationError({"max_length": _("The maximum length is below the minimum length.")})


class Choice(models.Model):
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="choices")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    swatch = models.CharField(max_length=7, blank=True, help_text=_("A colour such as #8fa98b"))
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0, help_text=_("Added to the price"))
    cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    lead_days = models.SmallIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["option", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["option", "code"], name="unique_choice_code_per_option")]

    def __str__(self):
        return self.name


class Rule(models.Model):
    """A rule of a family, in the engine's terms (see configurator/engine), with its message to shoppers."""

    class Kind(models.TextChoices):
        REQUIRES = "requires", _("Requires")
        EXCLUDES = "excludes", _("Excludes")
        AVAILABLE_WHEN = "available_when", _("Available only when")
        CONSTRAINT = "constraint", _("Numeric constraint")
        DEFAULT = "default", _("Default value")
        DERIVE = "derive", _("Derived value")

    family = models.ForeignKey(ProductFamily, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=200, help_text=_("Shown to shoppers, in plain words"))
    definition = models.JSONField(
        help_text=_('The rule\'s terms, e.g. {"when": [{"option": "ice_maker", "op": "is", "value": true}], '
                    '"then": [{"option": "water_kit", "op": "is", "value": true}]}')
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family", "position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"

    def clean(self):
        # A rule is checked against the rest of its family before it is saved (the admin's
        # form calls this): a draft that contradicts itself never reaches a publish.
        problems = draft_schema_problems(self.family, replacing=self)
        if problems:
            raise ValidationError(problems)


class QuantityBreak(models.Model):
    family = models.ForeignKey(ProductFamily, on_delete=models.CASCADE, related_name="quantity_breaks")
    min_quantity = models.PositiveIntegerField(validators=[MinValueValidator(2)])
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["family", "min_quantity"]
        constraints = [models.UniqueConstraint(fields=["family", "min_quantity"], name="unique_break_per_family")]

    def __str__(self):
        return f"{self.min_quantity}+ : -{self.discount_percent}%"


class FamilyVersion(models.Model):
    """An immutable, checked snapshot of a family's schema; what shoppers configure against."""

    family = models.ForeignKey(ProductFamily, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    schema = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["family", "-number"]
        constraints = [models.UniqueConstraint(fields=["family", "number"], name="unique_version_number")]

    def __str__(self):
        return f"{self.family} v{self.number}"


def _share_token():
    return secrets.token_urlsafe(12)


class SavedDesignQuerySet(models.QuerySet):
    def sold(self):
        """Designs whose product can still be bought (`SavedDesign.is_sold`, in SQL)."""
        return self.filter(family__current_version__isnull=False, family__product__is_public=True)


class SavedDesign(models.Model):
    """A shopper's configuration, kept to come back to, share read-only, or buy.

    Anonymous designs belong to the browser session that saved them until their maker signs
    in, when they are claimed. `share_token` is the read-only link; it shows the design to
    anyone who has it and lets nobody change it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    share_token = models.CharField(max_length=32, unique=True, default=_share_token, editable=False)
    family = models.ForeignKey(ProductFamily, on_delete=models.PROTECT, related_name="designs")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="designs"
    )
    name = models.CharField(max_length=80, blank=True)
    version_number = models.PositiveIntegerField()
    values = models.JSONField()
    # What it cost when last saved, to list designs without re-pricing each one.
    price = models.DecimalField(max_digits=10, decimal_places=2)
    is_preset = models.BooleanField(default=False, help_text=_("A starting design staff offer in pages"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedDesignQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.name or f"{self.family} design {self.share_token}"

    @property
    def is_sold(self):
        """Whether its product can still be bought: the family published and the product public.

        A design of a withdrawn one is kept and listed, flagged; it can be looked at and
        deleted, not edited nor put in the basket.
        """
        return self.family.current_version_id is not None and self.family.product.is_public
