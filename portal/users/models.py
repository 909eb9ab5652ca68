"""The site's user: Oscar's email-based user plus what personal reminders need."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer.abstract_models import AbstractUser, UserManager

from .emails import canonical_email


class CustomerManager(UserManager):
    @classmethod
    def normalize_email(cls, email):
        return canonical_email(email or "")

    def get_by_natural_key(self, username):
        # Django's ModelBackend, createsuperuser and password checks look users up by this.
        return self.get(email=canonical_email(username))


class User(AbstractUser):
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Reminders respect quiet hours in the customer's own time zone, not the shop's.
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)

    objects = CustomerManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Two requests registering one address at once both pass the form's check; this
            # refuses the second row whatever case it was typed in (see portal.customer.mixins).
            models.UniqueConstraint(
                Lower("email"),
                name="users_user_email_case_insensitive_unique",
                violation_error_message=_("A user with that email address already exists"),
            ),
        ]

    def save(self, *args, **kwargs):
        # Every writer (registration, profile form, admin, demo data) stores one spelling.
        self.email = canonical_email(self.email or "")
        super().save(*args, **kwargs)
