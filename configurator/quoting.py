"""A configuration checked against its family's current published version and priced: the one
computation behind the page, its live update, the JSON API, the basket, saved designs and
production's promise. Reads only; prices are computed here, on the server, never read from a form.
"""

import json
from dataclasses import dataclass, field
from datetime import date

from . import engine, promise
from .selectors import PublishedFamily, published_family


@dataclass
class Configuration:
    """A configuration checked against a published version, with its price and ship date if valid."""

    family: PublishedFamily
    evaluation: object
    quantity: int
    quote: object = None
    ship_date: date | None = None
    stale_version: int | None = None  # the version a stored configuration was made on, if older
    values_for_storage: dict = field(default_factory=dict)

    @property
    def is_valid(self):
        return self.evaluation.is_valid

    @property
    def only_quantity_is_wrong(self):
        """Invalid for its quantity alone (outside the family's range): another quantity may mend it."""
        code = _quantity_option(self.family)
        errors = self.evaluation.errors
        return bool(errors) and all(problem.field == code and problem.rule_id is None for problem in errors)


def _quantity_option(family):
    return next((option["code"] for option in family.options if option["kind"] == "quantity"), None)


def configure(*, family_slug, values, quantity=None, made_on_version=None, priced=True):
    """Validate and price `values` against the family's current version.

    `quantity` is the basket quantity: it feeds quantity breaks and is kept out of the
    stored configuration, so the same design bought twice is one basket line of two.
    Never raises for bad input: the evaluation carries the problems. `priced=False` checks
    the rules only (no quote, no ship date): for a page that shows a shopper's choices back
    to them without the work a price takes, as when they are over the quote limit.
    """
    family = published_family(family_slug)
    values = dict(values)
    quantity_code = _quantity_option(family)
    if quantity is not None and quantity_code:
        values[quantity_code] = quantity
    evaluation = engine.evaluate(family.compiled, values)
    configuration = Configuration(family=family, evaluation=evaluation, quantity=quantity or 1)
    if made_on_version is not None and made_on_version != family.version:
        configuration.stale_version = made_on_version
    if evaluation.is_valid and priced:
        configuration.quote = engine.quote(family.compiled, evaluation)
        if quantity_code:
            configuration.quantity = configuration.quote.quantity
        configuration.ship_date = promise.estimate_ship_date(
            family_slug=family.slug,
            values=evaluation.values,
            lead_days=configuration.quote.lead_days,
            quantity=configuration.quantity,
        )
        configuration.values_for_storage = {
            code: value for code, value in evaluation.values.items() if code != quantity_code
        }
    return configuration


def recheck_design(design):
    """A saved design checked against the current version; if it breaks, the nearest valid one."""
    configuration = configure(
        family_slug=design.family.slug, values=design.values, made_on_version=design.version_number
    )
    repair = None
    if not configuration.is_valid:
        family = configuration.family
        repair = engine.repair(family.compiled, design.values)
    return configuration, repair


def storable(values):
    """Values as JSON can hold them (Decimals become strings), in a stable order."""
    return json.loads(json.dumps(values, sort_keys=True, default=str))
