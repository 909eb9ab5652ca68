import pytest
from django.contrib.auth.models import Group

from atelier.orders import OrderStatus
from care.models import Topic
from tests.factories import OrderFactory, StockedProductFactory


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CARE_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def quality_topic(db, settings):
    settings.SURVEY_TICKET_TOPIC = "survey-quality"
    group, _ = Group.objects.get_or_create(name="Quality")
    topic, _ = Topic.objects.update_or_create(
        slug="survey-quality",
        defaults={"name": "Quality (surveys)", "queue": group, "is_complaint": True, "first_response_hours": 8},
    )
    return topic


@pytest.fixture
def delivered(db):
    return OrderFactory(status=OrderStatus.DELIVERED)


@pytest.fixture
def two_items(db):
    return OrderFactory(
        status=OrderStatus.DELIVERED, lines=[(StockedProductFactory(), 1), (StockedProductFactory(), 2)]
    )
