"""The demo's sofa work order and planner, which the board and floor tests act on."""

import pytest

from production.models import WorkOrder


@pytest.fixture
def sofa():
    return WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa")


@pytest.fixture
def planner(django_user_model):
    return django_user_model.objects.get(email="planner@atelier.example")


@pytest.fixture
def planner_client(login):
    """A test client signed in as the demo's planner."""
    return login("planner@atelier.example")
