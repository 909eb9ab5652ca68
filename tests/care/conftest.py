import pytest
from django.contrib.auth.models import Group

from care.models import Topic


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Attachments of this test in a folder of its own, outside MEDIA_ROOT as in production."""
    settings.CARE_PRIVATE_ROOT = tmp_path / "private"


def make_topic(slug, *, queue="Customer service", **fields):
    group, _ = Group.objects.get_or_create(name=queue)
    topic, _ = Topic.objects.update_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").capitalize(), "queue": group, **fields}
    )
    return topic


@pytest.fixture
def question_topic(db):
    return make_topic("test-question")


@pytest.fixture
def complaint_topic(db):
    return make_topic("test-quality", queue="Quality", is_complaint=True, first_response_hours=8)
