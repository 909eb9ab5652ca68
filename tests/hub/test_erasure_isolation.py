"""The nightly erasure takes each account on its own: one that cannot be erased is logged and the
others are erased."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from loyalty.services.staff import adjust_points
from portal.hub import services
from portal.hub.models import DeletionRequest
from portal.hub.tasks import erase_due_accounts

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_an_account_that_cannot_be_erased_does_not_stop_the_others(caplog):
    # A former staff member: their signed points adjustment protects their row from deletion.
    former = User.objects.create_user(email="former.staff@atelier.example", password="x-long-password-1")
    ada = User.objects.get(email="ada@example.com")
    adjust_points(user_id=ada.pk, points=10, reason="Goodwill", staff=former)
    first = services.request_deletion(user=former)
    second = services.request_deletion(user=User.objects.get(email="ben@example.com"))
    DeletionRequest.objects.filter(pk__in=[first.pk, second.pk]).update(
        erase_after=timezone.now() - timedelta(minutes=1)
    )

    with caplog.at_level(logging.ERROR, logger="portal.hub.tasks"):
        assert erase_due_accounts.apply().get() == 1

    assert not User.objects.filter(email="ben@example.com").exists()
    assert User.objects.filter(pk=former.pk).exists()
    assert DeletionRequest.objects.get(pk=first.pk).erased_at is None
    assert f"Erasing the account of deletion request {first.pk} failed" in caplog.text
