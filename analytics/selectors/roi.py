"""Campaign and promotion ROI (issue #19, deliverable 3): reminder rules, loyalty campaigns, and
Oscar's offers and vouchers, each as the margin it added against a control group, net of what it
gave away, by RFM segment, value class and season. Reads only.

The margin is margins.py's contribution of an order (revenue − cost − discounts − points redeemed
− refunds − remakes, excl. tax), read once per order for every order concerned
(`contributions(by="order")`) and folded here; nothing of its arithmetic is repeated.

Controls, and why each
- Reminder rules have a true hold-out: the reminder engine keeps `holdout_percent` of the chosen
  customers back at random (`ReminderSend.holdout`, status held out), recording when they would
  have been reminded. A send's orders are the customer's paid orders placed from its
  `window_start` for `window_days` (7 by default: the conversion window the reminder engine itself
  records, so this page and the reminders page count the same orders). An order in the windows of
  two sends of one rule counts once, for the latest send before it. Each send is one "customer";
  one reminded twice counts twice. The groups are compared whole (the draw is random, so no
  matching is needed): incremental = (treated margin per customer − hold-out's) × treated.
- Loyalty campaigns and Oscar's offers and vouchers have no hold-out: everyone in scope gets them.
  Their control is a *matched control*: customers of the same RFM segment who bought in the same
  season, during the days the promotion ran (a campaign's dates; an offer's first to last use in
  the period), without it (a campaign: no order in its scope, or not in the value classes it is
  for; an offer: no order with it). We chose this over "the same scope the same length of time
  before" because the page is read by season, and a period before is another season; and
  because a site-wide offer or campaign then has no control at all, which is the truth: it is
  shown as "no control" with its gross figures, never a lift.
  A customer's margin is all their orders in those days (an offer that moves a purchase from one
  order to another is not counted twice). Matching is by (segment, season): each stratum's
  treated customers are compared with its own control, and the strata add up, so the rows by
  segment and by season sum to the whole. Treated customers in a stratum with no control are
  left out of the lift (shown as "matched n of N").
- Guests have no segment: for offers each guest order is a customer of its own in a "no account"
  stratum; for campaigns they are left out (guests earn no points).

What each cost is, and ROI
- Reminder: it gives nothing of its own, so its cost is the discounts and points the reminded
  customers used on the orders credited to it. Already inside the contribution.
- Campaign: the points it gave, at today's `ProgrammeRules.point_value` (their liability):
  `bonus_points` per order with a line in its scope, plus the multiplier's extra points on the
  lines in scope, (multiplier − 1) × amount incl. tax × points per pound × the customer's tier
  multiplier, rounded down per order. The ledger records an order's points in one row, so the
  campaign's share is computed again here; family multipliers (EarnMultiplier) and a tier's early
  access are not applied (the seam: `_campaign_points`). Not in the contribution: taken off.
- Offer or voucher: its discount (`OrderDiscount.amount`), excl. tax at the order's ratio.
  Already inside the contribution.
- net = incremental − the cost not already in the contribution; ROI = net / cost, a percentage.
  No cost (a reminder nobody used a discount after), no ROI.

Segments and value classes are the customers' current ones (neither is historised per order).
Seasons are meteorological (winter is December to February), the order's or the send's.

Queries: a fixed handful per kind (the promotions, the orders with their customers, five for the
contributions, one per campaign for its scope). The orders are folded in Python, one small row
each: fine for a period of raw orders; at full size the page belongs on the nightly roll-ups.
"""

import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.models import Campaign, ProgrammeRules, Segment, ValueClass
from loyalty.reminders.models import ReminderRule, ReminderSend
from loyalty.selectors.redemption import POINTS_OFFER_SLUG

from ..option_shares import PENNY, ZERO, percent
from .margins import COUNTED, MONEY, Period, _excl_tax, contributions

WINDOW_DAYS = 7
TREATED, CONTROL = "treated", "control"
HOLD_OUT, MATCHED, NO_CONTROL = "hold-out", "matched control", "no control"
REMINDER, CAMPAIGN, OFFER = "reminder", "campaign", "offer"
KINDS = (REMINDER, CAMPAIGN, OFFER)
NO_ACCOUNT = ""  # the segment key of customers without a loyalty account (guests)
SEASONS = ("Winter", "Spring", "Summer", "Autumn")


@dataclass(frozen=True, order=True)
class Season:
    """A meteorological season: winter runs from December into the next year."""

    year: int
    index: int  # 0 winter, 1 spring, 2 summer, 3 autumn

    @classmethod
    def of(cls, day):
        if day.month == 12:
            return cls(day.year, 0)
        if day.month <= 2:
            return cls(day.year - 1, 0)
        return cls(day.year, (day.month - 3) // 3 + 1)

    @property
    def label(self):
        if self.index == 0:
            return f"Winter {self.year}/{(self.year + 1) % 100:02d}"
        return f"{SEASONS[self.index]} {self.year}"

    @property
    def key(self):
        return f"{self.year}-{self.index}"


@dataclass
class Unit:
    """One customer (a reminder: one send) on one side of a comparison, with their orders."""

    arm: str
    customer: object
    segment: str
    value_class: str
    season: Season
    orders: list = field(default_factory=list)  # order ids: every order of theirs counted
    order_margins: dict = field(default_factory=dict)  # order id -> its contribution
    promoted: list = field(default_factory=list)  # those carrying the promotion (treated only)
    margin: Decimal = ZERO
    promoted_margin: Decimal = ZERO
    cost: Decimal = ZERO
    window: tuple = ()  # a reminder's: (from, until) as datetimes


@dataclass
class Figures:
    """One row: a promotion, or one segment, value class or season of it."""

    label: str
    key: str
    control_kind: str
    cost_in_margin: bool  # the cost is already taken off the contribution (a discount, points redeemed)
    treated: int = 0
    control: int = 0
    treated_buyers: int = 0
    control_buyers: int = 0
    treated_orders: int = 0
    treated_margin: Decimal = ZERO
    control_margin: Decimal = ZERO
    promoted_orders: int = 0
    promoted_margin: Decimal = ZERO  # the gross figure: margin on the orders with the promotion
    cost: Decimal = ZERO
    matched: int = 0  # treated customers with a control in their stratum
    incremental: Decimal | None = None  # None: no control, no lift
    matched_cost: Decimal = ZERO

    @property
    def has_control(self):
        return self.incremental is not None

    @property
    def shown_control(self):
        return self.control_kind if self.has_control else NO_CONTROL

    @property
    def treated_rate(self):
        return percent(self.treated_buyers, self.treated)

    @property
    def control_rate(self):
        return percent(self.control_buyers, self.control)

    @property
    def treated_per_customer(self):
        return _per(self.treated_margin, self.treated)

    @property
    def control_per_customer(self):
        return _per(self.control_margin, self.control)

    @property
    def net(self):
        """The incremental margin net of what the promotion gave that the contribution does not hold."""
        if self.incremental is None:
            return None
        return self.incremental if self.cost_in_margin else self.incremental - self.matched_cost

    @property
    def roi(self):
        return None if self.net is None else percent(self.net, self.matched_cost)


@dataclass
class Promotion:
    kind: str
    key: str
    name: str
    detail: str
    figures: Figures
    by_segment: list
    by_value_class: list
    by_season: list
    units: list


def _per(amount, people):
    return (amount / people).quantize(PENNY, ROUND_HALF_UP) if people else None


def _money(value):
    return Decimal(value).quantize(PENNY, ROUND_HALF_UP)


# The comparison ----------------------------------------------------------------------------------


def _figures(label, key, units, *, control_kind, cost_in_margin, pooled):
    """A row from units. `pooled`: compare the groups whole (a random hold-out); else stratum by
    stratum, (segment, season), each against its own control."""
    row = Figures(label=label, key=key, control_kind=control_kind, cost_in_margin=cost_in_margin)
    strata = defaultdict(lambda: ([], []))
    for unit in units:
        strata[None if pooled else (unit.segment, unit.season)][unit.arm == CONTROL].append(unit)
    incremental = None
    for treated, control in strata.values():
        for unit in treated:
            row.treated += 1
            row.treated_buyers += bool(unit.orders)
            row.treated_orders += len(unit.orders)
            row.treated_margin += unit.margin
            row.promoted_orders += len(unit.promoted)
            row.promoted_margin += unit.promoted_margin
            row.cost += unit.cost
        # A matched control is the customers of the strata with someone treated; the others
        # were compared with nobody and are not shown as anyone's control.
        for unit in control if (treated or pooled) else ():
            row.control += 1
            row.control_buyers += bool(unit.orders)
            row.control_margin += unit.margin
        if treated and control:
            # sum(treated) - sum(control) * treated / control: the difference of margins per customer
            # times the treated, divided last so that the penny is rounded once.
            difference = sum((u.margin for u in treated), ZERO) - sum((u.margin for u in control), ZERO) * Decimal(
                len(treated)
            ) / Decimal(len(control))
            incremental = (incremental or ZERO) + difference
            row.matched += len(treated)
            row.matched_cost += sum((u.cost for u in treated), ZERO)
    row.incremental = None if incremental is None else _money(incremental)
    for name in ("treated_margin", "control_margin", "promoted_margin", "cost", "matched_cost"):
        setattr(row, name, _money(getattr(row, name)))
    return row


def _promotion(kind, key, name, detail, units, *, control_kind, cost_in_margin):
    pooled = control_kind == HOLD_OUT

    def rows(attribute, labels, order):
        groups = defaultdict(list)
        for unit in units:
            groups[getattr(unit, attribute)].append(unit)
        found = [
            _figures(labels(k), str(k.key if isinstance(k, Season) else k), members, control_kind=control_kind,
                     cost_in_margin=cost_in_margin, pooled=pooled)
            for k, members in groups.items()
        ]  # fmt: skip
        return sorted((row for row in found if row.treated or pooled), key=order)

    segments, classes = dict(Segment.choices), dict(ValueClass.choices)
    return Promotion(
        kind=kind,
        key=str(key),
        name=name,
        detail=detail,
        figures=_figures(
            name, str(key), units, control_kind=control_kind, cost_in_margin=cost_in_margin, pooled=pooled
        ),
        by_segment=rows("segment", lambda k: str(segments.get(k, "No loyalty account")), lambda r: r.label),
        by_value_class=rows("value_class", lambda k: str(classes.get(k, "No loyalty account")), lambda r: r.label),
        by_season=rows("season", lambda k: k.label, lambda r: r.key),
        units=units,
    )


# The orders and their customers ------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFacts:
    pk: int
    customer: object
    placed_at: object
    placed: object  # a date in the shop's time zone
    segment: str
    value_class: str
    tier_multiplier: Decimal
    margin: Decimal
    rewards: Decimal  # discounts and points redeemed, both already inside the margin


def _order_facts(orders):
    """{order id: OrderFacts} for the paid orders of `orders`: one query for the customers, five for
    the contributions."""
    margins = {row.key: row for row in contributions(None, by="order", orders=orders)}
    rows = orders.filter(status__in=COUNTED).values_list(
        "pk",
        "user_id",
        "date_placed",
        "user__loyalty_account__segment",
        "user__loyalty_account__value_class",
        "user__loyalty_account__tier__earn_multiplier",
    )
    facts = {}
    for pk, user_id, placed, segment, value_class, tier_multiplier in rows:
        contribution = margins.get(pk)
        facts[pk] = OrderFacts(
            pk=pk,
            customer=user_id if user_id is not None else f"guest:{pk}",
            placed_at=placed,
            placed=timezone.localtime(placed).date(),
            segment=segment or NO_ACCOUNT,
            value_class=value_class or NO_ACCOUNT,
            tier_multiplier=tier_multiplier if tier_multiplier is not None else Decimal(1),
            margin=contribution.contribution if contribution else ZERO,
            rewards=(contribution.discounts + contribution.points) if contribution else ZERO,
        )
    return facts


def _orders_between(start, end):
    """Paid orders placed from `start` to `end`, days included, as a queryset (read as a subquery)."""
    since, until = Period(start, end).bounds()
    return get_model("order", "Order").objects.filter(status__in=COUNTED, date_placed__gte=since, date_placed__lt=until)


# Reminder rules: against their hold-out ----------------------------------------------------------


def reminder_roi(period, *, window_days=WINDOW_DAYS, segment=None):
    """[Promotion] per reminder rule with sends (or hold-outs) whose window starts in the period."""
    start, end = period.bounds()
    sends = ReminderSend.objects.filter(
        status__in=[ReminderSend.Status.SENT, ReminderSend.Status.HELD_OUT],
        window_start__gte=start,
        window_start__lt=end,
    )
    if segment is not None:
        sends = sends.filter(user__loyalty_account__segment=segment)
    window = timedelta(days=window_days)
    Order = get_model("order", "Order")
    orders = Order.objects.filter(
        status__in=COUNTED, user__in=sends.values("user_id"), date_placed__gte=start, date_placed__lt=end + window
    )
    facts = _order_facts(orders)
    placed_by_customer = defaultdict(list)
    for order in sorted(facts.values(), key=lambda o: (o.placed_at, o.pk)):
        placed_by_customer[order.customer].append((order.placed_at, order.pk))

    rows = sends.values_list(
        "pk",
        "rule_id",
        "user_id",
        "status",
        "window_start",
        "user__loyalty_account__segment",
        "user__loyalty_account__value_class",
    ).order_by("window_start", "pk")
    by_rule = defaultdict(lambda: defaultdict(list))  # rule -> user -> [Unit], in the order sent
    for _pk, rule_id, user_id, status, window_start, seg, value_class in rows:
        arm = TREATED if status == ReminderSend.Status.SENT else CONTROL
        unit = Unit(
            arm=arm,
            customer=user_id,
            segment=seg or NO_ACCOUNT,
            value_class=value_class or NO_ACCOUNT,
            season=Season.of(timezone.localtime(window_start).date()),
            window=(window_start, window_start + window),
        )
        by_rule[rule_id][user_id].append(unit)

    rules = ReminderRule.objects.in_bulk(list(by_rule))
    promotions = []
    for rule_id, people in by_rule.items():
        units = []
        for user_id, sent in people.items():
            starts = [unit.window[0] for unit in sent]
            for placed, pk in placed_by_customer.get(user_id, []):
                # The latest send before the order, if the order is inside its window.
                at = bisect_right(starts, placed) - 1
                if at >= 0 and placed < sent[at].window[1]:
                    _credit(sent[at], facts[pk], promoted=sent[at].arm == TREATED)
            for unit in sent:
                if unit.arm == TREATED:
                    unit.cost = sum((facts[pk].rewards for pk in unit.orders), ZERO)
            units.extend(sent)
        rule = rules[rule_id]
        has_holdout = any(unit.arm == CONTROL for unit in units)
        promotions.append(
            _promotion(
                REMINDER,
                rule_id,
                str(rule),
                f"{window_days}-day window, {rule.holdout_percent}% held out",
                units,
                control_kind=HOLD_OUT if has_holdout else NO_CONTROL,
                cost_in_margin=True,
            )
        )
    return sorted(promotions, key=lambda p: p.name)


def _credit(unit, order, *, promoted):
    unit.orders.append(order.pk)
    unit.order_margins[order.pk] = order.margin
    unit.margin += order.margin
    if promoted:
        unit.promoted.append(order.pk)
        unit.promoted_margin += order.margin


# Matched controls: campaigns and offers ----------------------------------------------------------


def _matched_units(facts, treated_orders, first, last, *, cost_of):
    """Units by (customer, season) from the orders placed from `first` to `last`: treated when one
    of their orders that season is in `treated_orders`, control otherwise."""
    grouped = defaultdict(list)
    for order in facts.values():
        if first <= order.placed <= last:
            grouped[(order.customer, Season.of(order.placed))].append(order)
    units = []
    for (customer, season), orders in grouped.items():
        promoted = [order for order in orders if order.pk in treated_orders]
        first_order = orders[0]
        unit = Unit(
            arm=TREATED if promoted else CONTROL,
            customer=customer,
            segment=first_order.segment,
            value_class=first_order.value_class,
            season=season,
        )
        for order in sorted(orders, key=lambda o: (o.placed, o.pk)):
            _credit(unit, order, promoted=order.pk in treated_orders)
        unit.cost = sum((cost_of(order) for order in promoted), ZERO)
        units.append(unit)
    return units


def campaign_roi(period, *, segment=None):
    """[Promotion] per active loyalty campaign whose dates meet the period."""
    campaigns = list(Campaign.objects.filter(active=True, starts_on__lte=period.end, ends_on__gte=period.start))
    if not campaigns:
        return []
    first = max(min(c.starts_on for c in campaigns), period.start)
    last = min(max(c.ends_on for c in campaigns), period.end)
    orders = _orders_between(first, last).filter(user__loyalty_account__isnull=False)
    if segment is not None:
        orders = orders.filter(user__loyalty_account__segment=segment)
    facts = _order_facts(orders)
    rules = ProgrammeRules.current()
    promotions = []
    for campaign in campaigns:
        start, end = max(campaign.starts_on, period.start), min(campaign.ends_on, period.end)
        in_scope = _campaign_points(campaign, orders, facts, rules.points_per_unit)
        targets = {code.strip() for code in campaign.value_classes.split(",") if code.strip()}
        treated = {pk for pk in in_scope if not targets or facts[pk].value_class in targets}
        units = _matched_units(
            facts, treated, start, end, cost_of=lambda order, p=in_scope: p[order.pk] * rules.point_value
        )
        detail = _campaign_terms(campaign)
        promotions.append(
            _promotion(CAMPAIGN, campaign.pk, campaign.name, detail, units, control_kind=MATCHED, cost_in_margin=False)
        )
    return promotions


def _campaign_points(campaign, orders, facts, points_per_unit):
    """{order id: points the campaign gave it} for the orders with a line in its scope: one query."""
    Product = get_model("catalogue", "Product")
    lines = get_model("order", "Line").objects.filter(order__in=orders)
    scope = Q()
    if campaign.product_class_id:
        scope &= Q(product_class=campaign.product_class_id) | Q(parent__product_class=campaign.product_class_id)
    if campaign.category_id:
        scope &= Q(categories=campaign.category_id) | Q(parent__categories=campaign.category_id)
    if scope:
        lines = lines.filter(product__in=Product.objects.filter(scope).values("pk"))
    else:
        lines = lines.filter(product__isnull=False)
    extra = campaign.multiplier - 1
    amounts = lines.values("order_id").annotate(amount=Sum("line_price_incl_tax", output_field=MONEY)).order_by()
    points = {}
    for row in amounts:
        order = facts.get(row["order_id"])
        if order is None or not (campaign.starts_on <= order.placed <= campaign.ends_on):
            continue
        bonus = row["amount"] * points_per_unit * order.tier_multiplier * extra
        points[order.pk] = campaign.bonus_points + max(0, math.floor(bonus))
    return points


def _campaign_terms(campaign):
    terms = []
    if campaign.multiplier != 1:
        terms.append(f"×{campaign.multiplier.normalize():f} points")
    if campaign.bonus_points:
        terms.append(f"+{campaign.bonus_points} points an order")
    scope = campaign.product_class or campaign.category
    terms.append(f"on {scope}" if scope else "on everything")
    terms.append(f"{campaign.starts_on:%d %b %Y} to {campaign.ends_on:%d %b %Y}")
    return ", ".join(terms)


def offer_roi(period, *, segment=None):
    """[Promotion] per Oscar offer or voucher used on paid orders in the period (points redeemed,
    which Oscar records as an offer too, are the loyalty programme's and left out)."""
    orders = _orders_between(period.start, period.end)
    if segment is not None:  # guests have none: a segment chosen leaves them out
        orders = orders.filter(user__loyalty_account__segment=segment)
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    points_offer = ConditionalOffer.objects.filter(slug=POINTS_OFFER_SLUG).values("pk")
    discounts = (
        get_model("order", "OrderDiscount")
        .objects.filter(order__in=orders)
        .exclude(offer_id__in=points_offer)
        .values_list("order_id", "offer_id", "offer_name", "voucher_id", "voucher_code")
        .annotate(excl=Sum(_excl_tax(F("amount"), "order__")))
        .order_by()
    )
    given = defaultdict(dict)  # promotion key -> {order id: discount excl. tax}
    names = {}
    for order_id, offer_id, offer_name, voucher_id, voucher_code, excl in discounts:
        key = f"voucher-{voucher_id}" if voucher_id else f"offer-{offer_id}"
        names[key] = f"Voucher {voucher_code}" if voucher_id else (offer_name or f"Offer {offer_id}")
        given[key][order_id] = given[key].get(order_id, ZERO) + (excl or ZERO)
    if not given:
        return []
    facts = _order_facts(orders)
    promotions = []
    for key, by_order in given.items():
        used = [facts[pk].placed for pk in by_order if pk in facts]
        if not used:
            continue
        units = _matched_units(facts, set(by_order), min(used), max(used), cost_of=lambda o, d=by_order: d[o.pk])
        detail = f"used {min(used):%d %b %Y} to {max(used):%d %b %Y}"
        promotions.append(_promotion(OFFER, key, names[key], detail, units, control_kind=MATCHED, cost_in_margin=True))
    return sorted(promotions, key=lambda p: p.name)


def roi(kind, period, *, segment=None, window_days=WINDOW_DAYS):
    if kind == REMINDER:
        return reminder_roi(period, window_days=window_days, segment=segment)
    if kind == CAMPAIGN:
        return campaign_roi(period, segment=segment)
    return offer_roi(period, segment=segment)


# Drill-down --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderBehind:
    number: str
    placed: object
    customer: str
    group: str  # treated or control
    promoted: bool  # the order carries the promotion (a reminder: credited to a send)
    margin: Decimal


def orders_behind(promotion):
    """The orders behind a promotion's figures, treated first, the lowest margin first: one query
    for their numbers and customers (the margins are the promotion's own)."""
    arms, margins, promoted = {}, {}, set()
    pooled = promotion.figures.control_kind == HOLD_OUT
    compared = {(unit.segment, unit.season) for unit in promotion.units if unit.arm == TREATED}
    for unit in promotion.units:
        if not (pooled or (unit.segment, unit.season) in compared):
            continue  # a control customer of a stratum nobody treated was compared with no one
        for pk in unit.orders:
            arms[pk] = unit.arm
        margins.update(unit.order_margins)
        promoted.update(unit.promoted)
    orders = get_model("order", "Order").objects.filter(pk__in=list(arms))
    rows = [
        OrderBehind(
            number, timezone.localtime(placed).date(), email or "Guest", arms[pk], pk in promoted, _money(margins[pk])
        )
        for pk, number, placed, email in orders.values_list("pk", "number", "date_placed", "user__email")
    ]
    return sorted(rows, key=lambda r: (r.group != TREATED, not r.promoted, r.margin, r.number))
