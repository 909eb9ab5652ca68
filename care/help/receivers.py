"""Keep the help links' cache in step with the page tree."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .links import forget_all


def connect():
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(forget_all, dispatch_uid=f"help-links-{signal}")
    post_delete.connect(forget_all, sender=Page, dispatch_uid="help-links-page-delete")
    for signal in (post_save, post_delete):
        signal.connect(forget_all, sender=PageViewRestriction, dispatch_uid=f"help-links-restriction-{signal}")
