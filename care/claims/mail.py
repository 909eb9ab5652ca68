"""E-mail telling the customer of each step of their claim: filed (with the return label), decided,
refunded. Once per step: the event row's `emailed_at` is claimed with a conditional UPDATE before
sending and given back if sending fails (so the task's retry sends it). Rendered through Oscar's
communication event type CARE_CLAIM_UPDATE (so it is under "Emails we sent" in the hub), with the
ticket's signed Reply-To, so an answer by e-mail comes back into the claim's ticket."""

from django.contrib.sites.models import Site
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..services.mail import dispatcher_for, ticket_url

CODE = "CARE_CLAIM_UPDATE"


def mail_after_commit(event):
    from .. import tasks  # the task calls back into this module

    event_id = event.pk
    transaction.on_commit(lambda: tasks.send_claim_mail.delay(event_id))


def send_claim_mail(*, event_id):
    from .label import label_filename, label_pdf
    from .models import ClaimEvent, ClaimStep

    if not ClaimEvent.objects.filter(pk=event_id, emailed_at__isnull=True).update(emailed_at=timezone.now()):
        return False
    event = ClaimEvent.objects.select_related("claim__user", "claim__order", "claim__line", "claim__ticket").get(
        pk=event_id
    )
    claim = event.claim
    domain = f"https://{Site.objects.get_current().domain}"
    context = {
        "claim": claim,
        "event": event,
        "customer_name": claim.user.get_full_name() or claim.user.email,
        "order_url": domain + reverse("customer:order", kwargs={"order_number": claim.order.number}),
        "ticket_url": ticket_url(claim.ticket),
        "label_url": domain + reverse("care:claim-label", kwargs={"rma": claim.rma}),
    }
    try:
        dispatcher = dispatcher_for(claim.ticket)
        messages = dispatcher.get_messages(CODE, context)
        attachments = None
        if event.step == ClaimStep.FILED:
            attachments = [(label_filename(claim), label_pdf(claim), "application/pdf")]
        dispatcher.dispatch_user_messages(claim.user, messages, attachments=attachments)
    except Exception:
        ClaimEvent.objects.filter(pk=event_id).update(emailed_at=None)
        raise
    return True
