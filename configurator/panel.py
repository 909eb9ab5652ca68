"""What the configurator shows: options with their state, the quote, the preview.

One presentation model for every place the configurator appears (product page, its own
page, a design, a Wagtail block), built from a configuration `quoting.configure` checked and priced.
"""

import threading
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language

from . import previews, selectors
from .describe import describe, summary_text
from .engine import form_value

FORM_CONTROL_KEYS = {"csrfmiddlewaretoken", "action", "design", "name", "next"}


# Rules that take a choice off the menu; the others only ask for another change with it.
BLOCKING_KINDS = {"available_when"}


@dataclass
class ChoiceState:
    code: str
    name: str
    swatch: str | None
    price: Decimal
    selected: bool
    reasons: list = field(default_factory=list)
    blocking: list = field(default_factory=list)

    @property
    def disabled(self):
        """Not offered now (an "available only when" rule); a selected one stays enabled.

        A choice that only needs another change (an ice maker needs the water kit) stays
        selectable, its reason shown, so the shopper can pick it and then see what to add.
        A disabled input would also not be submitted, so a selected choice is never disabled.
        """
        return bool(self.blocking) and not self.selected


@dataclass
class OptionState:
    schema: dict
    value: object
    choices: list
    errors: list
    bounds: dict
    derived_by: str | None

    def __getattr__(self, name):
        try:
            return self.schema[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def is_numeric(self):
        return self.schema["kind"] in ("integer", "decimal", "quantity")

    @property
    def bounds_text(self):
        """The range a number may take now, and why it is narrower than usual."""
        low = self.bounds["min"] if self.bounds["min"] is not None else self.schema.get("min")
        high = self.bounds["max"] if self.bounds["max"] is not None else self.schema.get("max")
        text = f"{low}–{high} {self.schema.get('unit') or ''}".strip()
        step = self.schema.get("step")
        if step not in (None, 1, "1"):
            text += f", in steps of {step}"
        if self.bounds["reasons"]:
            text += ": " + " ".join(self.bounds["reasons"])
        return text

    @property
    def value_text(self):
        if isinstance(self.value, list):
            return ", ".join(choice.name for choice in self.choices if choice.selected)
        if isinstance(self.value, bool):
            return "Yes" if self.value else "No"
        if self.schema["kind"] == "choice":
            return next((choice.name for choice in self.choices if choice.selected), "")
        return "" if self.value is None else str(self.value)


@dataclass
class Panel:
    configuration: object
    options: list
    rule_errors: list
    design: object = None
    # Set for a family's defaults, which every visitor sees alike: the key its rendered drawing
    # and option groups are kept under (the published version's, so publishing renews them).
    shared_key: str | None = None

    @property
    def family(self):
        return self.configuration.family

    @property
    def groups(self):
        grouped = {}
        for option in self.options:
            grouped.setdefault(option.schema.get("group") or "", []).append(option)
        return list(grouped.items())

    @property
    def summary(self):
        """(name, value) pairs a shopper reads: what they chose, quantity left out."""
        return describe(self.family.options, self.configuration.evaluation.values)

    def preview_svg(self):
        return published_preview(self.family, self.configuration.evaluation.values)


def raw_values_from_form(data, family):
    """Option values from a submitted form, in the types the configurator takes (the engine's
    `form_value`: "on" is true, "400" is 400); only the family's own option codes are read."""
    return {
        option.code: form_value(option, data.getlist(option.code))
        for option in family.compiled.options
        if option.code in data
    }


def form_query(values):
    """Values as the configurator's plain form sends them, as a query string: the inverse of
    `raw_values_from_form`. Yes/no as true/false; "not chosen" as an empty value; a multiple
    choice after an empty one, so that one with nothing ticked is read as that, not as
    "not given" (which would bring back its default)."""
    pairs = []
    for code, value in values.items():
        if isinstance(value, list):
            pairs += [(code, ""), *((code, item) for item in value)]
        elif isinstance(value, bool):
            pairs.append((code, "true" if value else "false"))
        else:
            pairs.append((code, "" if value is None else str(value)))
    return urlencode(pairs)


def configure_url(*, family_slug, values):
    """The configurator's page opened on `values` (a past order's, a basket line's design)."""
    return f"{reverse('configurator:configure', kwargs={'slug': family_slug})}?{form_query(values)}"


def _choice_states(option, value, disabled, rule_kinds):
    def reasons(code):
        messages = disabled.get(code, [])
        return messages, [message for message in messages if rule_kinds.get(message) in BLOCKING_KINDS]

    if option["kind"] == "boolean":
        price = Decimal(option.get("price") or 0)
        return [
            ChoiceState("true", "Yes", None, price, value is True, *reasons("true")),
            ChoiceState("false", "No", None, Decimal(0), value is False, *reasons("false")),
        ]
    selected = set(value) if isinstance(value, list) else {value}
    return [
        ChoiceState(
            choice["code"],
            choice["name"],
            choice.get("swatch"),
            Decimal(choice.get("price") or 0),
            choice["code"] in selected,
            *reasons(choice["code"]),
        )
        for choice in option.get("choices", [])
    ]


def build_panel(configuration, design=None):
    evaluation = configuration.evaluation
    errors_by_field = {}
    rule_errors = []
    for problem in evaluation.errors:
        if problem.rule_id is None and problem.field:
            errors_by_field.setdefault(problem.field, []).append(problem.message)
        else:
            rule_errors.append(problem)
    rule_kinds = {rule["message"]: rule["kind"] for rule in configuration.family.schema.get("rules", [])}
    options = []
    for option in configuration.family.options:
        code = option["code"]
        availability = evaluation.availability.get(code)
        disabled = getattr(availability, "disabled", {}) or {}
        value = evaluation.values.get(code)
        options.append(
            OptionState(
                schema=option,
                value=value,
                choices=_choice_states(option, value, disabled, rule_kinds),
                errors=errors_by_field.get(code, []),
                bounds={
                    "min": getattr(availability, "min", None),
                    "max": getattr(availability, "max", None),
                    "reasons": getattr(availability, "reasons", []) or [],
                },
                derived_by=getattr(availability, "derived_by", None),
            )
        )
    return Panel(configuration=configuration, options=options, rule_errors=rule_errors, design=design)


@dataclass(frozen=True)
class SavedFamily:
    """What a drawing and a summary read of a family: its options and its kind of drawing."""

    options: list
    preview: str


@dataclass(frozen=True)
class SavedLook:
    """A design as it was saved, read against the version it was made on: for a product no
    longer sold, which has no current version to check it against. Its choices in words and
    its drawing, as a panel gives them; no price."""

    family: SavedFamily
    values: dict

    @property
    def summary(self):
        return describe(self.family.options, self.values)

    def preview_svg(self):
        return render_preview(self.family, self.values)


def as_saved(design):
    schema = selectors.version_schema(design.family_id, design.version_number) or {}
    return SavedLook(SavedFamily(schema.get("options", []), design.family.preview), dict(design.values))


# The drawings of published families, kept per process: the live quote draws the design on every
# change, and a shopper going back and forth asks for the same ones again. The key is everything
# the drawing reads: the version (its options and swatches), the family's drawing, the language
# and the values; an entry counts only for the very compiled schema it was drawn from.
_PREVIEWS = {}
_PREVIEWS_MAX = 512
_previews_lock = threading.Lock()


def published_preview(family, values):
    """`render_preview` for a published family, remembered per version, drawing, language and values."""
    compiled = getattr(family, "compiled", None)
    if compiled is None:
        return render_preview(family, values)
    key = (
        family.version_id,
        family.preview,
        get_language(),
        tuple(sorted((code, type(value).__name__, repr(value)) for code, value in values.items())),
    )
    entry = _PREVIEWS.get(key)
    if entry is not None and entry[0] is compiled:
        return entry[1]
    svg = render_preview(family, values)
    with _previews_lock:
        if len(_PREVIEWS) >= _PREVIEWS_MAX:
            _PREVIEWS.pop(next(iter(_PREVIEWS)))  # the oldest drawn
        _PREVIEWS[key] = (compiled, svg)
    return svg


def render_preview(family, values):
    """The design drawn as SVG; every shopper text in it is escaped by the template engine."""
    swatches = {
        option["code"]: {choice["code"]: choice.get("swatch") for choice in option.get("choices", [])}
        for option in family.options
    }
    drawing = previews.DRAWINGS[family.preview](values, swatches)
    description = summary_text(describe(family.options, values))
    return render_to_string(f"configurator/previews/{family.preview}.svg", {"d": drawing, "description": description})
