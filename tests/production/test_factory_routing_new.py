"""A planner adds the first routing of a configurator family that has none (a merchandiser's new
family): listed on the Factory page, added with its plant, name, steps and rules, checked as a
routing's save is checked (nothing created when refused), kept as revision 1; the family's paid
orders are then released to production. Planners only."""

import pytest
from django.test import Client
from django.urls import reverse

from production.models import Plant, RoutingRevision, RoutingStep, RoutingTemplate, WorkCenter, WorkOrder
from production.selectors.release import orders_missing_work_orders
from production.services import routings
from production.services.calendars import FactoryError
from production.services.release import release_order_to_production
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

INDEX = "/dashboard/production/factory/"
TOTE = ("printed-tote", {"print_text": "Allotment", "ink": "clay"}, 2)


@pytest.fixture(autouse=True)
def tote_without_routing():
    """The tote as a family just added by a merchandiser: no routing (the demo gives it one)."""
    RoutingTemplate.objects.filter(family_slug="printed-tote").delete()


@pytest.fixture
def planner_client(login):
    return login("planner@atelier.example")


def url(slug="printed-tote"):
    return reverse("production:factory-add-routing", args=[slug])


def center(code):
    return WorkCenter.objects.get(code=code).pk


def print_and_pack(**print_changes):
    """Two steps: a print run (on the printers) then fold and pack after it."""
    run = {
        "code": "print",
        "name": "Print run",
        "sequence": 10,
        "minutes": 10,
        "setup": 20,
        "per_piece": 3,
        "work_centers": [center("print-1"), center("print-2")],
        "after": "",
    }
    run.update(print_changes)
    pack = {
        "code": "pack",
        "name": "Fold and pack",
        "sequence": 20,
        "minutes": 5,
        "setup": 0,
        "per_piece": 1,
        "work_centers": [center("pack")],
        "after": "print",
    }
    return [run, pack]


CLAY = {"step": "print", "option": "ink", "equals": "clay", "setup": 15}


def form(steps=None, rules=(CLAY,), *, plant=None, name="Printed tote"):
    """The new routing page's POST: plant and name, then the steps and rules as rows."""
    steps = print_and_pack() if steps is None else steps
    data = {"routing-plant": plant or Plant.objects.get(code="sheffield").pk, "routing-name": name}
    for i, step in enumerate(steps):
        for key, value in step.items():
            data[f"steps-{i}-{key}"] = value
    for i, rule in enumerate(rules):
        for key in ("step", "option", "equals", "setup", "minutes", "per_unit"):
            data[f"rules-{i}-{key}"] = rule.get(key, "")
    data.update({"steps-TOTAL_FORMS": len(steps), "steps-INITIAL_FORMS": 0})
    data.update({"rules-TOTAL_FORMS": len(rules), "rules-INITIAL_FORMS": 0})
    return data


def rows():
    return (RoutingTemplate.objects.count(), RoutingStep.objects.count(), RoutingRevision.objects.count())


# --- Listed, added, released ------------------------------------------------------------------


def test_the_factory_page_lists_the_family_without_a_routing(planner_client):
    html = planner_client.get(INDEX).content.decode()

    assert "Families without a routing" in html
    assert "Custom Printed Tote (printed-tote)" in html
    assert f'href="{url()}"' in html
    assert f'href="{url("printed-tee")}"' not in html  # the tee has its routing


def test_the_new_routing_page_opens_with_the_family_and_its_options(planner_client):
    response = planner_client.get(url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "New routing for Custom Printed Tote" in html
    assert "<code>ink</code>" in html  # the rule rows' hints: the family's options
    assert 'value="Custom Printed Tote"' in html  # the name offered is the family's


def test_a_planner_adds_a_routing_with_steps_rules_and_revision_1(planner_client, planner):
    response = planner_client.post(url(), form(), follow=True)

    routing = RoutingTemplate.objects.get(family_slug="printed-tote")
    assert response.redirect_chain == [(reverse("production:factory-routing", args=[routing.pk]), 302)]
    html = response.content.decode()
    assert "Printed tote added as revision 1 with 2 steps" in html
    assert (routing.name, routing.plant.code, routing.revision, routing.updated_by) == (
        "Printed tote",
        "sheffield",
        1,
        planner,
    )
    print_step, pack = routing.steps.order_by("sequence")
    assert (print_step.code, print_step.minutes, print_step.setup, print_step.per_piece) == ("print", 10, 20, 3)
    assert sorted(c.code for c in print_step.work_centers.all()) == ["print-1", "print-2"]
    assert print_step.rules == [{"option": "ink", "equals": "clay", "setup": 15}]
    assert [b.code for b in pack.after.all()] == ["print"]
    (revision,) = routing.revisions.all()
    assert (revision.number, revision.saved_by, revision.note) == (1, planner, "")
    assert [step["code"] for step in revision.steps] == ["print", "pack"]
    # On the index it is a routing now, no longer a family without one.
    index = planner_client.get(INDEX).content.decode()
    assert f'href="{reverse("production:factory-routing", args=[routing.pk])}"' in index
    assert f'href="{url()}"' not in index


def test_a_paid_order_of_the_family_is_released_with_the_new_routing(planner_client):
    order = OrderFactory(configured=[TOTE])
    assert release_order_to_production(order_id=order.pk) == []  # no routing: nothing to make
    assert order.pk not in orders_missing_work_orders()  # nor does the reconciler look for its work

    planner_client.post(url(), form())
    assert order.pk in orders_missing_work_orders()  # the reconciler's next round releases it
    (work_order,) = release_order_to_production(order_id=order.pk)

    routing = RoutingTemplate.objects.get(family_slug="printed-tote")
    assert work_order.family_slug == "printed-tote"
    assert work_order.routing_revision == routing.revisions.get(number=1)
    operations = {op.code: op for op in work_order.operations.all()}
    assert sorted(operations) == ["pack", "print"]
    # The clay ink's rule adds its setup on both printers.
    assert {(a.work_center.code, a.setup) for a in operations["print"].alternatives.all()} == {
        ("print-1", 20 + 15),
        ("print-2", 20 + 15),
    }
    assert WorkOrder.objects.filter(order=order).count() == 1


def test_a_later_save_on_the_routing_page_is_revision_2_and_keeps_no_baseline(planner_client):
    planner_client.post(url(), form())
    routing = RoutingTemplate.objects.get(family_slug="printed-tote")
    data = form(print_and_pack(minutes=12))
    data["read_revision"] = 1

    response = planner_client.post(reverse("production:factory-routing", args=[routing.pk]), data)

    assert response.status_code == 302
    assert list(routing.revisions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert routing.steps.get(code="print").minutes == 12


# --- Refused, nothing created -----------------------------------------------------------------


def other_plants_center():
    leeds = Plant.objects.create(code="leeds", name="Leeds workshop")
    pack = WorkCenter.objects.get(code="pack")
    return WorkCenter.objects.create(
        plant=leeds, code="leeds-pack", name="Leeds packing", capacity=1, rate_per_hour=20, calendar=pack.calendar
    ).pk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: form(steps=[], rules=()), "Printed tote needs at least one step."),
        (
            lambda: form(print_and_pack(work_centers=[])),
            "Step “Print run” has no eligible work center: choose at least one.",
        ),
        (
            lambda: form(print_and_pack(after="pack")),
            "The steps wait for each other in a circle",
        ),
        (
            lambda: form(print_and_pack(after="varnish")),
            "Step “Print run” comes after “varnish”, which is not a step of this routing.",
        ),
        (
            lambda: form(print_and_pack(code="pack"), rules=()),
            "Two steps have the code “pack”; each step needs its own.",
        ),
        (
            lambda: form(rules=[{"step": "print", "option": "glitter", "equals": "yes", "setup": 5}]),
            "Print run, rule 1: the family has no option “glitter”.",
        ),
        (
            lambda: form(rules=[{"step": "print", "option": "ink", "equals": "tartan", "setup": 5}]),
            "Print run, rule 1: “tartan” is not a choice of “ink”",
        ),
        (
            lambda: form(rules=[{"step": "varnish", "option": "ink", "equals": "clay", "setup": 5}]),
            "A rule names the step “varnish”, which is not a step of this routing.",
        ),
        (
            lambda: form(print_and_pack(work_centers=[other_plants_center()])),
            "Step “Print run”: Leeds packing is in Leeds workshop, not in Sheffield workshop, the routing&#x27;s.",
        ),
    ],
    ids=[
        "no-step",
        "no-center",
        "cycle",
        "unknown-after",
        "duplicate-code",
        "unknown-option",
        "unknown-value",
        "rule-of-no-step",
        "other-plant",
    ],
)
def test_a_routing_that_cannot_be_planned_is_refused_with_its_reason_and_nothing_is_created(
    planner_client, data, message
):
    posted = data()
    before = rows()

    response = planner_client.post(url(), posted)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was changed:" in html
    assert message in html
    assert rows() == before
    assert not RoutingTemplate.objects.filter(family_slug="printed-tote").exists()


@pytest.mark.parametrize(
    "data",
    [
        lambda: form(name=""),
        lambda: form(plant="999999"),
        lambda: form(print_and_pack(minutes="many")),
        lambda: form(print_and_pack(code="print run")),
    ],
    ids=["no-name", "unknown-plant", "minutes-not-a-number", "code-not-a-slug"],
)
def test_what_cannot_be_read_is_marked_and_nothing_is_created(planner_client, data):
    posted = data()
    before = rows()

    response = planner_client.post(url(), posted)

    assert response.status_code == 400
    assert "Nothing was changed: correct the fields marked below." in response.content.decode()
    assert rows() == before


def test_an_unknown_family_is_not_found(planner_client):
    assert planner_client.get(url("no-such-family")).status_code == 404
    assert planner_client.post(url("no-such-family"), form()).status_code == 404


def test_a_family_with_a_routing_goes_to_its_routing(planner_client):
    tee = RoutingTemplate.objects.get(family_slug="printed-tee")
    before = rows()

    response = planner_client.post(url("printed-tee"), form(), follow=True)

    assert response.redirect_chain == [(reverse("production:factory-routing", args=[tee.pk]), 302)]
    assert "Printed T-shirt has a routing already: Printed T-shirt. Edit it here." in response.content.decode()
    assert rows() == before


def test_one_added_by_another_planner_after_the_check_is_refused_and_nothing_is_left(monkeypatch, planner):
    """The other planner's routing lands between the check and the insert: the unique slug refuses."""
    create = RoutingTemplate.objects.create

    def create_after_the_other_planner(**fields):
        RoutingTemplate.objects.bulk_create([RoutingTemplate(**fields)])
        return create(**fields)

    monkeypatch.setattr(RoutingTemplate.objects, "create", create_after_the_other_planner)
    before = rows()
    pack = WorkCenter.objects.get(code="pack")
    steps = [
        {"code": "pack", "name": "Pack", "sequence": 10, "minutes": 5, "setup": 0, "per_piece": 0}
        | {"work_centers": [pack], "after": [], "rules": []}
    ]

    with pytest.raises(FactoryError) as refused:
        routings.add_routing(family_slug="printed-tote", plant=pack.plant, name="Tote", steps=steps, user=planner)

    assert refused.value.messages == ["The family “printed-tote” has a routing already; edit that one."]
    assert rows() == before


# --- Who may add ------------------------------------------------------------------------------


def test_other_staff_and_customers_get_403_and_nothing_is_created(login, client):
    before = rows()

    assert login("editor@atelier.example").get(url()).status_code == 403
    assert login("editor@atelier.example").post(url(), form()).status_code == 403
    client.force_login(CustomerFactory())
    assert client.post(url(), form()).status_code == 403
    assert rows() == before


def test_visitors_are_sent_to_sign_in(client):
    response = client.post(url(), form())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not RoutingTemplate.objects.filter(family_slug="printed-tote").exists()


def test_a_post_without_the_csrf_token_is_refused(django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.get(email="planner@atelier.example"))
    before = rows()

    assert client.post(url(), form()).status_code == 403
    assert rows() == before
