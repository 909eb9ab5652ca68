"""Keep the help links' cache in step with the page tree, and thank the customer behind a published case."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .links import forget_all
from .models import CaseArticlePage, CaseSource


def case_published(sender, instance, **kwargs):
    """A case article went live: thank its customer after commit (the task does it once)."""
    from care.tasks import thank_case_customer

    page_id = instance.pk
    if CaseSource.objects.filter(page_id=page_id, thanked_at__isnull=True).exists():
        transaction.on_commit(lambda: thank_case_customer.delay(page_id))


def connect():
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(forget_all, dispatch_uid=f"help-links-{signal}")
    post_delete.connect(forget_all, sender=Page, dispatch_uid="help-links-page-delete")
    for signal in (post_save, post_delete):
        signal.connect(forget_all, sender=PageViewRestriction, dispatch_uid=f"help-links-restriction-{signal}")
    page_published.connect(case_published, sender=CaseArticlePage, dispatch_uid="help-case-published")
