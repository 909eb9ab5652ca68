"""The site's user: Oscar's email-based user plus what personal reminders need."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer.abstract_models import AbstractUser


class User(AbstractUser):
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Reminders respect quiet hours in the customer's own time zone, not the shop's.
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
