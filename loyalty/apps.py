"""Points ledger, earn and redeem rules, tiers, segments, reminders and notifications."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _points_offer(sender, **kwargs):
    from .offers import ensure_points_offer

    ensure_points_offer()


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = "Loyalty"

    def ready(self):
        # The checkout discount is an Oscar site offer: it must exist in every database.
        post_migrate.connect(_points_offer, sender=self, dispatch_uid="loyalty-points-offer")
        from .selectors import previews

        previews.connect()
