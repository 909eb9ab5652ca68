"""The live quote's SVG preview of a published family is drawn once per process for a version,
drawing, language and set of values (`panel.published_preview`): the same SVG as drawing it afresh."""

import dataclasses

import pytest

from configurator import panel as panel_module
from configurator.panel import build_panel, published_preview, render_preview
from configurator.quoting import configure

pytestmark = pytest.mark.django_db

CASES = [
    ("printed-tee", {"colour": "navy", "print_text": "Hi", "quantity": 1}),
    ("printed-tee", {"colour": "navy", "print_text": "<script>alert(1)</script> & co", "quantity": 1}),
    ("printed-tee", {"colour": "sage", "print_text": "Hi", "quantity": 10}),
    ("atelier-fridge", {"hinge": "left", "finish": "clay", "capacity": 450}),
    ("atelier-fridge", {"hinge": "right", "finish": "clay", "capacity": 450}),
    ("modular-sofa", {"modules": 3, "width": 240, "chaise": "left"}),
]


@pytest.fixture(autouse=True)
def empty():
    panel_module._PREVIEWS.clear()
    yield
    panel_module._PREVIEWS.clear()


def drawings(monkeypatch):
    calls = []
    real = panel_module.render_preview
    monkeypatch.setattr(panel_module, "render_preview", lambda *args: calls.append(args) or real(*args))
    return calls


@pytest.mark.parametrize(("slug", "values"), CASES)
def test_the_same_svg_as_drawn_afresh_and_drawn_once(monkeypatch, slug, values):
    panel = build_panel(configure(family_slug=slug, values=values))
    fresh = render_preview(panel.family, panel.configuration.evaluation.values)
    calls = drawings(monkeypatch)
    assert panel.preview_svg() == fresh
    assert build_panel(configure(family_slug=slug, values=values)).preview_svg() == fresh
    assert len(calls) == 1


def test_each_set_of_values_has_its_own_drawing():
    svgs = {build_panel(configure(family_slug=slug, values=values)).preview_svg() for slug, values in CASES}
    assert len(svgs) == len(CASES)
    assert "<script>" not in "".join(svgs)


def test_a_value_of_another_type_is_another_key(monkeypatch):
    family = configure(family_slug="printed-tee", values={}).family
    calls = drawings(monkeypatch)
    published_preview(family, {"quantity": 1})
    published_preview(family, {"quantity": "1"})
    assert len(calls) == 2


def test_another_compiled_schema_under_the_same_version_is_drawn_again(monkeypatch):
    family = configure(family_slug="printed-tee", values={}).family
    values = {"colour": "navy", "print_text": "Hi", "quantity": 1}
    published_preview(family, values)
    calls = drawings(monkeypatch)
    published_preview(dataclasses.replace(family, compiled=object()), values)
    assert len(calls) == 1


def test_a_family_without_a_compiled_schema_is_drawn_every_time(monkeypatch):
    family = configure(family_slug="printed-tee", values={}).family
    saved = panel_module.SavedFamily(family.options, family.preview)
    calls = drawings(monkeypatch)
    published_preview(saved, {"colour": "navy"})
    published_preview(saved, {"colour": "navy"})
    assert len(calls) == 2


def test_the_oldest_drawing_goes_first_when_full(monkeypatch):
    monkeypatch.setattr(panel_module, "_PREVIEWS_MAX", 2)
    family = configure(family_slug="printed-tee", values={}).family
    for text in ("a", "b", "c"):
        published_preview(family, {"print_text": text})
    assert len(panel_module._PREVIEWS) == 2
    assert [key[-1] for key in panel_module._PREVIEWS] == [
        (("print_text", "str", "'b'"),),
        (("print_text", "str", "'c'"),),
    ]
