"""The traveler speaks a worker's words: the specification as option and choice labels (never
"door_alarm False" or "country gb"), and per operation what the ordered choices change there."""

from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from configurator import services as configurator_services
from configurator.models import Option, ProductFamily
from production import routing, travelers
from production.models import RoutingStep, WorkOrder
from production.services.release import release_order_to_production
from production.services.remakes import release_remake
from production.specification import change_words, readable_specification, specification_rows
from tests.factories import OrderFactory

FRIDGE_OPTIONS = [
    {"code": "country", "name": "Destination country", "kind": "choice",
     "choices": [{"code": "gb", "name": "United Kingdom"}, {"code": "fr", "name": "France"}]},
    {"code": "hinge", "name": "Door opens on the", "kind": "choice",
     "choices": [{"code": "left", "name": "Left"}, {"code": "right", "name": "Right"}]},
    {"code": "door_alarm", "name": "Door-open alarm", "kind": "boolean"},
    {"code": "modules", "name": "Seat modules", "kind": "integer", "unit": "seats", "unit_singular": "seat"},
    {"code": "engraving", "name": "Engraved door plate", "kind": "text"},
    {"code": "quantity", "name": "How many", "kind": "quantity", "unit": "pieces"},
]  # fmt: skip


def pdf_text(work_order):
    """The traveler PDF's text, its lines joined: a cell's words wrap where the column ends."""
    pages = PdfReader(BytesIO(travelers.traveler_pdf(work_order))).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --- The words, without a database ------------------------------------------------------------


def test_the_specification_is_stored_as_labels_with_the_code_beside():
    values = {"country": "gb", "hinge": "left", "door_alarm": False, "modules": 3, "engraving": "Ada's", "quantity": 2}

    rows = specification_rows(FRIDGE_OPTIONS, values)

    assert rows == [
        ["Destination country", "United Kingdom", "country"],
        ["Door opens on the", "Left", "hinge"],
        ["Door-open alarm", "No", "door_alarm"],
        ["Seat modules", "3 seats", "modules"],
        ["Engraved door plate", "Ada's", "engraving"],
    ]
    assert readable_specification(rows)[0] == ("Destination country", "United Kingdom")


def test_one_seat_is_singular_and_a_version_nobody_knows_keeps_the_codes_readable():
    assert specification_rows(FRIDGE_OPTIONS, {"modules": 1})[0][:2] == ["Seat modules", "1 seat"]
    assert specification_rows(None, {"door_alarm": True, "country": "gb", "note": ""}) == [
        ["country", "gb", "country"],
        ["door_alarm", "Yes", "door_alarm"],
    ]


def test_an_older_work_orders_codes_are_put_into_words_where_the_schema_knows_them():
    old_rows = [["country", "gb"], ["door_alarm", "False"], ["gone_option", "blue"], ["quantity", "2"]]
    values = {"country": "gb", "door_alarm": False, "gone_option": "blue", "quantity": 2}

    assert readable_specification(old_rows, FRIDGE_OPTIONS, values) == [
        ("Destination country", "United Kingdom"),
        ("Door-open alarm", "No"),
        ("gone_option", "blue"),  # the schema no longer knows it: the code stays visible
    ]
    assert readable_specification(old_rows, None, values) == [(code, value) for code, value in old_rows]


def step(rules, *, minutes=30, setup=0):
    return routing.StepSpec("doors", "Fit doors", 10, minutes, setup, 0, tuple(rules), (1,), ())


WORDS = {"hinge": ("Door opens on the", "Left"), "modules": ("Seat modules", "3 seats"), "ice": ("Ice maker", "Yes")}


def test_a_choice_that_adds_setup_says_so_at_its_step():
    doors = routing.operation_for(step([{"option": "hinge", "equals": "left", "setup": 20}]), {"hinge": "left"}, 1)

    assert change_words(doors.applied, WORDS) == ["Door opens on the: Left \u2014 +20 min setup"]
    assert doors.setup == 20


def test_a_count_says_how_many_minutes_it_adds_and_how():
    upholster = routing.operation_for(step([{"option": "modules", "per_unit": 45}]), {"modules": 3}, 1)

    assert change_words(upholster.applied, WORDS) == ["Seat modules: 3 seats \u2014 +135 min (3 \u00d7 45 min)"]
    assert upholster.minutes == 30 + 135


def test_only_the_choices_made_are_named_and_their_minutes_add_up():
    rules = [
        {"option": "hinge", "equals": "left", "setup": 20, "minutes": 5},
        {"option": "hinge", "equals": "right", "setup": 99},
        {"option": "ice", "equals": True, "minutes": 40},
        {"option": "modules", "per_unit": 10},
        {"option": "not_ordered", "equals": "x", "minutes": 7},
    ]
    spec = routing.operation_for(step(rules, setup=10), {"hinge": "left", "ice": True, "modules": 0}, 1)

    assert change_words(spec.applied, WORDS) == [
        "Door opens on the: Left \u2014 +20 min setup, +5 min",
        "Ice maker: Yes \u2014 +40 min",
    ]  # zero modules change nothing: not said
    assert (spec.minutes, spec.setup) == (30 + 5 + 40, 10 + 20)
    assert (spec.minutes - 30, spec.setup - 10) == (
        sum(rule.minutes for rule in spec.applied),
        sum(rule.setup for rule in spec.applied),
    )


def test_a_rule_on_an_option_without_words_names_its_code_and_value():
    spec = routing.operation_for(step([{"option": "rush", "equals": True, "minutes": -10}]), {"rush": True}, 1)

    assert change_words(spec.applied, {}) == ["rush: Yes \u2014 \u221210 min"]


# --- Released work orders and their travelers ---------------------------------------------------


@pytest.mark.django_db
def test_the_demo_fridges_traveler_reads_labels_not_codes():
    fridge = WorkOrder.objects.get(order__number="DEMO-2001")

    html = travelers.traveler_html(fridge)
    text = pdf_text(fridge)

    for code in ("door_alarm", "country gb", "ice_maker", "water_kit", "hinge", "False", "True"):
        assert code not in html
        assert code not in text
    for words in ("Destination country", "United Kingdom", "Door opens on the", "Door-open alarm", "Ice maker"):
        assert words in text
    assert "Door opens on the: Left \u2014 +20 min setup" in text
    assert "Ice maker: Yes \u2014 +40 min" in text


@pytest.mark.django_db
def test_the_demo_sofas_upholstery_says_what_its_modules_and_chaise_add(sofa):
    html = travelers.traveler_html(sofa)

    assert "Seat modules: 3 seats \u2014 +135 min (3 \u00d7 45 min)" in html
    assert "Chaise longue: On the right \u2014 +60 min" in html
    assert "Seat modules: 3 seats \u2014 +60 min (3 \u00d7 20 min)" in html  # frame and sewing


@pytest.mark.django_db
def test_the_words_are_those_of_the_version_bought_not_of_a_later_one():
    order = OrderFactory(configured=[("atelier-fridge", {"hinge": "left", "door_alarm": True}, 1)])
    (fridge,) = release_order_to_production(order_id=order.pk)
    family = ProductFamily.objects.get(slug="atelier-fridge")
    Option.objects.filter(family=family, code="door_alarm").update(name="Alarm (renamed)")
    configurator_services.publish_version(family=family)
    fridge.refresh_from_db()

    assert ["Door-open alarm", "Yes", "door_alarm"] in fridge.specification
    assert "Alarm (renamed)" not in travelers.traveler_html(fridge)

    # An older work order's codes are read through the version its line was bought with too.
    fridge.specification = [[code, str(value)] for code, value in sorted(fridge.configuration.items())]
    fridge.save(update_fields=["specification"])
    html = travelers.traveler_html(fridge)
    assert "Door-open alarm" in html and "Alarm (renamed)" not in html and "door_alarm" not in html


@pytest.mark.django_db
def test_an_older_work_order_still_prints_in_words_with_unknown_codes_left_visible():
    fridge = WorkOrder.objects.get(order__number="DEMO-2001")
    # As release wrote it before: [code, str(value)], plus an option the schema no longer has.
    old = [[code, str(value)] for code, value in sorted(fridge.configuration.items())] + [["retired_trim", "oak"]]
    WorkOrder.objects.filter(pk=fridge.pk).update(specification=old)
    fridge.refresh_from_db()

    text = pdf_text(fridge)

    assert "Ice maker" in text and "Yes" in text and "ice_maker" not in text
    assert "retired_trim" in text and "oak" in text
    assert "Door opens on the: Left \u2014 +20 min setup" in text


@pytest.mark.django_db
def test_a_step_whose_routing_changed_since_release_is_not_explained_with_todays_rules():
    fridge = WorkOrder.objects.get(order__number="DEMO-2001")
    RoutingStep.objects.filter(routing__family_slug="atelier-fridge", code="doors").update(
        rules=[{"option": "hinge", "equals": "left", "setup": 35}]
    )

    html = travelers.traveler_html(fridge)

    assert "+35 min setup" not in html and "+20 min setup" not in html  # released with 20: neither is said
    assert fridge.operations.get(code="doors").alternatives.first().setup == 20


@pytest.mark.django_db
def test_html_in_a_free_text_option_is_escaped_on_the_traveler():
    family = ProductFamily.objects.get(slug="printed-tee")
    Option.objects.filter(family=family, code="print_text").update(pattern="")
    configurator_services.publish_version(family=family)
    typed = '<b onclick="x()">Crew</b> & <img src=x>'
    order = OrderFactory(configured=[("printed-tee", {"colour": "sage", "print_text": typed, "ink": "white"}, 3)])
    (tee,) = release_order_to_production(order_id=order.pk)

    html = travelers.traveler_html(tee)

    assert ["Your text", typed, "print_text"] in tee.specification  # stored as typed, escaped when printed
    assert typed not in html and "<b " not in html and "<img" not in html
    assert "&lt;b onclick=&quot;x()&quot;&gt;Crew&lt;/b&gt; &amp; &lt;img src=x&gt;" in html
    assert "Crew" in pdf_text(tee)


rules_strategy = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"option": st.sampled_from(["hinge", "ice", "modules"]), "equals": st.sampled_from(["left", True, 3])},
            optional={"setup": st.integers(0, 60), "minutes": st.integers(-30, 90)},
        ),
        st.fixed_dictionaries({"option": st.sampled_from(["modules", "ice"]), "per_unit": st.integers(0, 60)}),
    ),
    max_size=6,
)
values_strategy = st.fixed_dictionaries(
    {},
    optional={
        "hinge": st.sampled_from(["left", "right"]),
        "ice": st.booleans(),
        "modules": st.one_of(st.integers(0, 6), st.sampled_from(["3", "2.5", "x"])),
    },
)


@settings(max_examples=200, deadline=None)
@given(rules_strategy, values_strategy)
def test_the_words_account_for_exactly_the_minutes_the_rules_add(rules, values):
    spec = routing.operation_for(step(rules, minutes=500, setup=5), values, 1)

    words = change_words(spec.applied, WORDS)

    assert spec.minutes == 500 + sum(rule.minutes for rule in spec.applied)
    assert spec.setup == 5 + sum(rule.setup for rule in spec.applied)
    assert len(words) == sum(1 for rule in spec.applied if rule.setup or rule.minutes)


@pytest.mark.django_db
def test_a_repair_of_a_line_prints_its_finishing_steps_in_words_too():
    order = OrderFactory(configured=[("atelier-fridge", {"hinge": "left", "door_alarm": True}, 1)])
    repair, _ = release_remake(line=order.lines.get(), kind="repair", key="test:repair:1", origin="Repair for T-1")

    html = travelers.traveler_html(repair)

    assert ["Door-open alarm", "Yes", "door_alarm"] in repair.specification
    assert "door_alarm" not in html and "Door-open alarm" in html
