"""Writes the hub makes: reorders, deletion requests and the erasure that follows them."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from atelier.orders import UnreadableConfiguration, read_line_configuration
from configurator import services as configurator_services
from configurator.panel import configure_url

from .selectors import order_for

logger = logging.getLogger(__name__)
DeletionRequest = get_model("hub", "DeletionRequest")
Notification = get_model("communication", "Notification")


class ReorderRefused(Exception):
    """A past line cannot go into the basket as it was; `configure_url` opens it for adjusting."""

    def __init__(self, message, configure_url=""):
        super().__init__(message)
        self.configure_url = configure_url


@dataclass(frozen=True)
class Reordered:
    title: str
    quantity: int


def _configuration_of(line):
    try:
        return read_line_configuration(line)
    except UnreadableConfiguration as unreadable:
        message = _("%(title)s can no longer be ordered again.") % {"title": line.title}
        raise ReorderRefused(message) from unreadable


def reorder_line(*, user, basket, order_number, line_id):
    """Put a past line in the basket again, re-validated and re-priced as of today.

    A configured line goes through the configurator (so today's rules and prices apply);
    one that no longer validates is refused with the rule's reason and a link that opens
    it in the configurator to adjust. Another customer's order or line is a 404.
    """
    order = order_for(user=user, number=order_number)
    line = order.lines.filter(pk=line_id).select_related("product").first()
    if line is None:
        raise Http404("No such line")
    return _reorder(basket, line)


def reorder_order(*, user, basket, order_number):
    """Every line of a past order; the ones that cannot go in are reported, the others are added."""
    order = order_for(user=user, number=order_number)
    added, refused = [], []
    for line in order.lines.select_related("product"):
        try:
            added.append(_reorder(basket, line))
        except ReorderRefused as refusal:
            refused.append((line, refusal))
    return added, refused


def _reorder(basket, line):
    configuration = _configuration_of(line)
    if configuration is not None:
        family_slug, _version, values = configuration
        try:
            configurator_services.add_configuration_to_basket(
                basket=basket, family_slug=family_slug, values=values, quantity=line.quantity
            )
        except Http404 as withdrawn:
            raise ReorderRefused(_("%(title)s is no longer sold.") % {"title": line.title}) from withdrawn
        except configurator_services.InvalidConfiguration as invalid:
            if invalid.in_basket:
                message = _("%(title)s was not added: %(reason)s") % {"title": line.title, "reason": invalid}
                raise ReorderRefused(message) from invalid
            url = configure_url(family_slug=family_slug, values=values)
            message = _("%(title)s no longer fits our current options: %(reason)s")
            raise ReorderRefused(message % {"title": line.title, "reason": invalid}, configure_url=url) from invalid
        return Reordered(line.title, line.quantity)
    product = line.product
    if product is None or not product.is_public:
        raise ReorderRefused(_("%(title)s is no longer sold.") % {"title": line.title})
    info = basket.strategy.fetch_for_product(product)
    if not info.availability.is_available_to_buy:
        raise ReorderRefused(_("%(title)s is not available at the moment.") % {"title": line.title})
    basket.add_product(product, line.quantity)
    return Reordered(line.title, line.quantity)


def deletion_grace():
    return timedelta(days=settings.HUB_DELETION_GRACE_DAYS)


def request_deletion(*, user, reason=""):
    """Ask for the account to be erased after the grace period; asking again keeps the first date."""
    if user.is_staff:
        raise ValidationError(_("Staff accounts are closed by an administrator, not from the account pages."))
    now = timezone.now()
    with transaction.atomic():
        request, created = DeletionRequest.objects.select_for_update().get_or_create(
            user=user, defaults={"requested_at": now, "erase_after": now + deletion_grace(), "reason": reason[:2000]}
        )
        if not created:
            if request.is_pending:
                return request  # asked again (a double click, a second tab): already told
            request.requested_at, request.erase_after = now, now + deletion_grace()
            request.cancelled_at, request.reason = None, reason[:2000]
            request.save()
        Notification.objects.create(
            recipient=user,
            subject=_("Your account is due to be deleted"),
            body=_(
                "We will erase your account and personal data on %(date)s. Changed your mind? "
                "Sign in before then and cancel the request on your account page."
            )
            % {"date": timezone.localtime(request.erase_after).strftime("%-d %B %Y")},
        )
    return request


def cancel_deletion(*, user):
    updated = DeletionRequest.objects.filter(user=user, cancelled_at__isnull=True, erased_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    return bool(updated)


def erase_account(*, request_id):
    """Erase one account whose grace period is over. Idempotent: an erased request is left alone.

    Orders stay (the law keeps invoices for years) but lose their link to the person; the
    user row goes, and with it, by cascade, designs, addresses, baskets, messages and points.
    """
    with transaction.atomic():
        request = DeletionRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or not request.is_pending or request.erase_after > timezone.now():
            return False
        user = get_user_model().objects.filter(pk=request.user_id).first()
        request.erased_at, request.reason, request.user = timezone.now(), "", None
        request.save(update_fields=["erased_at", "reason", "user"])
        if user is not None:
            user.delete()
    logger.info("Erased the account of deletion request %s", request.reference)
    return True


def due_deletions(now=None):
    now = now or timezone.now()
    return DeletionRequest.objects.filter(cancelled_at__isnull=True, erased_at__isnull=True, erase_after__lte=now)
