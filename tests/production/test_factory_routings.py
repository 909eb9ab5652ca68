"""Planners keep a family's routing in the dashboard: steps, rules as rows checked against the
family's options, eligible centers, precedences; each save a revision, released work keeping
the routing it was made with, and a second planner's stale save refused."""

from datetime import date, time
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from production.models import Calendar, RoutingRevision, RoutingTemplate, Shift, WorkCenter, WorkOrder
from production.selectors.specification import changes_by_operation
from production.services.release import create_work_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_client(login):
    return login("planner@atelier.example")


@pytest.fixture
def fridge():
    return RoutingTemplate.objects.get(family_slug="atelier-fridge")


def url(routing):
    return reverse("production:factory-routing", args=[routing.pk])


def current_steps(routing):
    return [
        {
            "code": s.code,
            "name": s.name,
            "sequence": s.sequence,
            "minutes": s.minutes,
            "setup": s.setup,
            "per_piece": s.per_piece,
            "work_centers": [c.pk for c in s.work_centers.all()],
            "after": ", ".join(sorted(b.code for b in s.after.all())),
            "rules": list(s.rules),
        }
        for s in routing.steps.order_by("sequence")
    ]


def form(routing, steps=None, read=None, extra_rules=()):
    """The routing page's POST: `steps` (default: as they are), rules as rows after them."""
    steps = current_steps(routing) if steps is None else steps
    data = {"read_revision": routing.revision if read is None else read}
    rules = []
    for i, step in enumerate(steps):
        for key in ("code", "name", "sequence", "minutes", "setup", "per_piece", "after"):
            data[f"steps-{i}-{key}"] = step[key]
        data[f"steps-{i}-work_centers"] = step["work_centers"]
        for rule in step["rules"]:
            rules.append({"step": step["code"], **rule})
    rules.extend(extra_rules)
    for i, rule in enumerate(rules):
        for key in ("step", "option", "equals", "setup", "minutes", "per_unit"):
            value = rule.get(key, "")
            data[f"rules-{i}-{key}"] = str(value).lower() if isinstance(value, bool) else value
    data.update({"steps-TOTAL_FORMS": len(steps), "steps-INITIAL_FORMS": 0})
    data.update({"rules-TOTAL_FORMS": len(rules), "rules-INITIAL_FORMS": 0})
    return data


def changed(routing, code, **fields):
    steps = current_steps(routing)
    for step in steps:
        if step["code"] == code:
            step.update(fields)
    return steps


def state(routing):
    routing.refresh_from_db()
    return routing.revision, current_steps(routing), RoutingRevision.objects.count()


def test_the_page_is_for_planners_only(login, fridge):
    assert login("planner@atelier.example").get(url(fridge)).status_code == 200
    response = login("editor@atelier.example").post(url(fridge), form(fridge, changed(fridge, "coat", minutes=99)))
    assert response.status_code == 403
    assert fridge.steps.get(code="coat").minutes == 60


def test_the_page_shows_steps_rules_as_rows_and_the_familys_options(planner_client, fridge):
    html = planner_client.get(url(fridge)).content.decode()

    assert 'name="steps-1-code" value="coat"' in html
    assert 'name="rules-0-option" value="finish"' in html and 'name="rules-0-equals" value="steel"' in html
    assert 'name="rules-2-equals" value="true"' in html  # ice_maker, a yes/no option
    assert "<code>hinge</code> (left, right)" in html
    assert 'name="read_revision" value="0"' in html


def test_a_save_is_a_revision_and_released_work_keeps_the_routing_it_was_made_with(planner_client, fridge):
    released = WorkOrder.objects.get(order__number="DEMO-2001", family_slug="atelier-fridge")
    coat_before = released.operations.get(code="coat").alternatives.get().minutes

    response = planner_client.post(url(fridge), form(fridge, changed(fridge, "coat", minutes=70)), follow=True)

    html = response.content.decode()
    assert "Fridge saved as revision 1. Orders released from now on are made with it" in html
    fridge.refresh_from_db()
    assert (fridge.revision, fridge.updated_by.email) == (1, "planner@atelier.example")
    assert fridge.steps.get(code="coat").minutes == 70
    baseline, first = RoutingRevision.objects.filter(routing=fridge).order_by("number")
    assert (baseline.number, first.number) == (0, 1)
    assert next(s for s in baseline.steps if s["code"] == "coat")["minutes"] == 60
    assert next(s for s in first.steps if s["code"] == "coat")["minutes"] == 70
    # The work order released before keeps its operations and is known to be made with revision 0.
    released.refresh_from_db()
    assert released.routing_revision == baseline
    assert released.operations.get(code="coat").alternatives.get().minutes == coat_before
    # Work released from now on is made with revision 1.
    remake = create_work_order(
        line=released.line,
        template=fridge,
        values=released.configuration,
        quantity=1,
        weight=1,
        ship_date=date(2027, 2, 1),
        kind=WorkOrder.REMAKE,
        remake_key="test-remake",
    )
    assert remake.routing_revision == first
    assert remake.operations.get(code="coat").alternatives.get().minutes == 70  # sage: no steel rule
    assert 'id="revision-1"' in html and 'id="revision-0"' in html


def test_a_second_planner_saving_an_older_form_is_refused_and_nothing_changes(planner_client, login, fridge):
    stale = form(fridge, changed(fridge, "coat", minutes=80))  # read at revision 0, like the first
    planner_client.post(url(fridge), form(fridge, changed(fridge, "coat", minutes=70)))
    before = state(fridge)

    response = login("admin@atelier.example").post(url(fridge), stale)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was changed: Fridge was changed by Pat Reyes at " in html
    assert "after you opened it; nothing of yours was saved. Reload the page to see their changes" in html
    assert state(fridge) == before


def test_a_form_without_the_revision_read_is_refused(planner_client, fridge):
    data = form(fridge)
    del data["read_revision"]
    before = state(fridge)

    response = planner_client.post(url(fridge), data)

    assert response.status_code == 400
    assert "Nothing was changed: the form is incomplete; reload the page." in response.content.decode()
    assert state(fridge) == before


def refused(client, routing, data, message):
    before = state(routing)
    response = client.post(url(routing), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(routing) == before


def test_a_step_with_no_eligible_center_is_refused(planner_client, fridge):
    refused(
        planner_client,
        fridge,
        form(fridge, changed(fridge, "doors", work_centers=[])),
        "Step “Door assembly” has no eligible work center: choose at least one.",
    )


def test_a_routing_cycle_is_refused_with_the_steps_named(planner_client, fridge):
    refused(
        planner_client,
        fridge,
        form(fridge, changed(fridge, "cabinet", after="pack")),
        "The steps wait for each other in a circle (cabinet → pack → doors → coat → cabinet), so none could start.",
    )


def test_a_step_after_an_unknown_step_or_itself_is_refused(planner_client, fridge):
    refused(
        planner_client,
        fridge,
        form(fridge, changed(fridge, "coat", after="cabinet, varnish")),
        "Step “Powder-coat finish” comes after “varnish”, which is not a step of this routing.",
    )
    refused(
        planner_client,
        fridge,
        form(fridge, changed(fridge, "coat", after="coat")),
        "Step “Powder-coat finish” cannot come after itself.",
    )


def test_a_routing_that_cannot_be_planned_is_refused_with_the_reason(planner_client, fridge):
    closed = Calendar.objects.create(name="Never open")
    idle = WorkCenter.objects.create(plant=fridge.plant, code="idle", name="Idle bench", calendar=closed)

    refused(
        planner_client,
        fridge,
        form(fridge, changed(fridge, "pack", work_centers=[idle.pk])),
        "Step “Test, inspect and pack” cannot be planned: its work centers (Idle bench) have no open time.",
    )
    Shift.objects.create(calendar=closed, weekday=0, start=time(8), end=time(9))
    assert (
        planner_client.post(url(fridge), form(fridge, changed(fridge, "pack", work_centers=[idle.pk]))).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"option": "colour_of_moon", "equals": "blue", "minutes": 5}, "the family has no option “colour_of_moon”."),
        ({"option": "hinge", "equals": "diagonal", "setup": 5}, "“diagonal” is not a choice of “hinge” (left, right)."),
        ({"option": "ice_maker", "equals": "maybe", "minutes": 5}, "“ice_maker” is yes or no; match true or false."),
        ({"option": "finish", "per_unit": 5}, "“finish” is not a number, so it cannot count per unit."),
        ({"option": "hinge", "minutes": 5}, "give the value it matches, or the minutes per unit."),
    ],
)
def test_a_rule_that_does_not_fit_the_familys_options_is_refused(planner_client, fridge, rule, message):
    refused(
        planner_client,
        fridge,
        form(fridge, extra_rules=[{"step": "doors", **rule}]),
        f"Door assembly, rule 4: {message}",
    )


def test_a_rule_for_an_unknown_step_is_refused(planner_client, fridge):
    refused(
        planner_client,
        fridge,
        form(fridge, extra_rules=[{"step": "varnish", "option": "hinge", "equals": "left", "setup": 5}]),
        "A rule names the step “varnish”, which is not a step of this routing.",
    )


def test_two_steps_with_one_code_are_refused(planner_client, fridge):
    steps = current_steps(fridge)
    steps.append({**steps[0], "sequence": 99})
    refused(planner_client, fridge, form(fridge, steps), "Two steps have the code “cabinet”; each step needs its own.")


def test_a_released_work_orders_words_come_from_the_routing_it_was_made_with(planner_client, fridge):
    released = WorkOrder.objects.get(order__number="DEMO-2001", family_slug="atelier-fridge")
    doors = released.operations.prefetch_related("alternatives").get(code="doors")
    words_before = changes_by_operation(released, [doors])[doors.pk]
    assert words_before  # left hinge, ice maker, water kit

    steps = current_steps(fridge)
    for step in steps:
        if step["code"] == "doors":
            step["rules"] = [{**rule, "setup": 25} if rule.get("option") == "hinge" else rule for rule in step["rules"]]
    assert planner_client.post(url(fridge), form(fridge, steps)).status_code == 302

    released.refresh_from_db()
    assert changes_by_operation(released, [doors])[doors.pk] == words_before


class _Inputs(HTMLParser):
    """The values a browser would post from the routing form (text, hidden, number, checked boxes)."""

    def __init__(self):
        super().__init__()
        self.data, self.in_form = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and "action" not in attrs:
            self.in_form = True
        if tag != "input" or not self.in_form or "name" not in attrs:
            return
        if attrs.get("type") == "checkbox" and "checked" not in attrs:
            return
        self.data.append((attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def test_the_page_posted_as_it_is_saves_the_same_routing(planner_client, fridge):
    parser = _Inputs()
    parser.feed(planner_client.get(url(fridge)).content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    before = current_steps(fridge)

    response = planner_client.post(url(fridge), data)

    assert response.status_code == 302
    assert current_steps(fridge) == before
    fridge.refresh_from_db()
    assert fridge.revision == 1
