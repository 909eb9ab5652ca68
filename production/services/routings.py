"""Planners maintain a family's routing: its steps, their rule-driven minutes, eligible centers
and precedences, saved as a whole and kept as a revision.

Versioning: every save writes a `RoutingRevision` (the steps as JSON, the number of the
configurator family version current then, who and when); the first save also keeps the routing
as it stood before, and gives it to the work orders released until then. A work order records
the revision it was released with (`services.release.create_work_order`), and its operations
were derived then and kept as rows, so a later edit never changes released work.

Two planners: the form carries the routing's `revision` as read; a save from an older form is
refused, naming who saved in between and when, and changes nothing.
"""

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from configurator.selectors import current_options, published_family

from .. import factory_rules, planning
from ..models import RoutingRevision, RoutingStep, RoutingTemplate, WorkOrder
from .audit import record_event
from .calendars import FactoryError


def _who(user):
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def snapshot_steps(routing):
    """The routing's steps as plain data, the shape a revision keeps (codes, not ids)."""
    return [
        {
            "code": step.code,
            "name": step.name,
            "sequence": step.sequence,
            "minutes": step.minutes,
            "setup": step.setup,
            "per_piece": step.per_piece,
            "rules": list(step.rules or []),
            "work_centers": sorted(center.code for center in step.work_centers.all()),
            "after": sorted(before.code for before in step.after.all()),
        }
        for step in routing.steps.prefetch_related("work_centers", "after").order_by("sequence", "pk")
    ]


def _open_minutes(center):
    calendar = center.calendar
    return factory_rules.weekly_open_minutes(
        calendar.shifts.values_list("weekday", "start", "end"), calendar.breaks.values_list("start", "end")
    )


def routing_problems(routing, steps):
    """Why these steps (dicts with code, name, work_centers as WorkCenter rows, after as codes,
    rules) cannot be saved for the routing, in words; [] when they can."""
    problems = []
    if not steps:
        return [f"{routing.name} needs at least one step."]
    codes = [step["code"] for step in steps]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"Two steps have the code “{code}”; each step needs its own.")
    known = set(codes)
    for step in steps:
        name = step["name"] or step["code"]
        if not step["work_centers"]:
            problems.append(f"Step “{name}” has no eligible work center: choose at least one.")
        elif not any(_open_minutes(center) for center in step["work_centers"]):
            centers = ", ".join(center.name for center in step["work_centers"])
            problems.append(f"Step “{name}” cannot be planned: its work centers ({centers}) have no open time.")
        for before in step["after"]:
            if before not in known:
                problems.append(f"Step “{name}” comes after “{before}”, which is not a step of this routing.")
            elif before == step["code"]:
                problems.append(f"Step “{name}” cannot come after itself.")
    cycle = factory_rules.precedence_cycle(
        {step["code"]: [b for b in step["after"] if b in known and b != step["code"]] for step in steps}
    )
    if cycle:
        problems.append(f"The steps wait for each other in a circle ({' → '.join(cycle)}), so none could start.")
    options = current_options(routing.family_slug)
    by_code = {option["code"]: option for option in options} if options is not None else None
    for step in steps:
        problems.extend(factory_rules.rule_problems(step["name"] or step["code"], step["rules"], by_code))
    return problems


def _family_version(routing):
    """The number of the family's published version now (None: none published)."""
    try:
        return published_family(routing.family_slug).version
    except Http404:
        return None


def save_routing(*, routing, read_revision, steps, user):
    """Replace the routing's steps with `steps` (see `routing_problems`) if nobody saved it since
    the planner read it at `read_revision`; record a revision. One transaction, the routing row
    locked. FactoryError, nothing changed, for a stale form or steps that cannot be planned.
    Returns the new RoutingRevision."""
    with transaction.atomic():
        # No join here: PostgreSQL cannot lock the nullable side of an outer join (updated_by).
        current = RoutingTemplate.objects.select_for_update().get(pk=routing.pk)
        if current.revision != read_revision:
            when = timezone.localtime(current.updated_at, planning.plant_zone()) if current.updated_at else None
            raise FactoryError(
                f"{current.name} was changed by {_who(current.updated_by)}"
                f"{f' at {when:%H:%M on %d %b}' if when else ''} after you opened it; nothing of yours was "
                "saved. Reload the page to see their changes and make yours again."
            )
        problems = routing_problems(current, steps)
        if problems:
            raise FactoryError(problems)
        family_version = _family_version(current)
        if not current.revisions.exists():
            baseline = RoutingRevision.objects.create(
                routing=current,
                number=current.revision,
                family_version=family_version,
                steps=snapshot_steps(current),
                note="as it stood before the first edit in the dashboard",
            )
            WorkOrder.objects.filter(family_slug=current.family_slug, routing_revision__isnull=True).update(
                routing_revision=baseline
            )
        revision = _write_revision(current, steps, family_version=family_version, user=user, done="saved")
    routing.refresh_from_db()
    return revision


def _write_revision(routing, steps, *, family_version, user, done):
    """Write the steps, count the save on the routing and keep it as its next revision."""
    _write_steps(routing, steps)
    routing.revision += 1
    routing.updated_at = timezone.now()
    routing.updated_by = user
    routing.save(update_fields=["revision", "updated_at", "updated_by"])
    revision = RoutingRevision.objects.create(
        routing=routing,
        number=routing.revision,
        family_version=family_version,
        steps=snapshot_steps(routing),
        saved_by=user,
    )
    record_event(
        kind="routing",
        description=f"{routing.name} routing {done} as revision {revision.number} "
        f"({len(steps)} steps, family version {family_version or 'none'}), by {_who(user)}",
        user=user,
    )
    return revision


def add_routing(*, family_slug, plant, name, steps, user):
    """A first routing for a family that has none: the same checks as a save (`routing_problems`),
    then the routing, its steps and revision 1, in one transaction. FactoryError, nothing created,
    when the steps cannot be planned or the family has a routing (another planner's, even one
    added a moment ago: the unique family slug refuses the second). Returns the RoutingTemplate."""
    unsaved = RoutingTemplate(family_slug=family_slug, plant=plant, name=name)
    if RoutingTemplate.objects.filter(family_slug=family_slug).exists():
        raise _has_routing(family_slug)
    problems = routing_problems(unsaved, steps)
    problems.extend(
        f"Step “{step['name'] or step['code']}”: {center.name} is in {center.plant}, not in {plant}, the routing's."
        for step in steps
        for center in step["work_centers"]
        if center.plant_id != plant.pk
    )
    if problems:
        raise FactoryError(problems)
    try:
        with transaction.atomic():
            routing = RoutingTemplate.objects.create(family_slug=family_slug, plant=plant, name=name)
            # No "as it stood before" revision, as a first edit keeps: there was nothing before.
            _write_revision(routing, steps, family_version=_family_version(routing), user=user, done="added")
    except IntegrityError:
        raise _has_routing(family_slug) from None
    return routing


def _has_routing(family_slug):
    return FactoryError(f"The family “{family_slug}” has a routing already; edit that one.")


def _write_steps(routing, steps):
    existing = {step.code: step for step in routing.steps.all()}
    routing.steps.exclude(code__in=[step["code"] for step in steps]).delete()
    rows = {}
    for data in steps:
        row = existing.get(data["code"]) or RoutingStep(routing=routing, code=data["code"])
        for field in ("name", "sequence", "minutes", "setup", "per_piece", "rules"):
            setattr(row, field, data[field])
        row.save()
        row.work_centers.set(data["work_centers"])
        rows[row.code] = row
    for data in steps:
        rows[data["code"]].after.set([rows[code] for code in data["after"]])


def latest_revision(routing):
    return routing.revisions.order_by("-number").first()


def family_options(routing):
    """The options of the family's current version, for the rule rows' hints ([] if none published)."""
    return current_options(routing.family_slug) or []
