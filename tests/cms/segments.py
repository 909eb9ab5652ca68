"""Pages with content for a segment, and customers of each kind, for the segment tests."""

from configurator.models import ProductFamily, SavedDesign
from loyalty.models import Tier
from portal.cms.models import ContentPage, HomePage
from tests.factories import CustomerFactory, LoyaltyAccountFactory, OrderFactory


def segment(text, **audience):
    """A segment block's raw value holding one paragraph, `text`, for `audience` (any kind matching)."""
    value = {
        "value_classes": [],
        "tiers": [],
        "segments": [],
        "visitors": [],
        "saved_design": False,
        "match": "any",
        "show": "only",
        **audience,
        "content": [("rich_text", f"<p>{text}</p>")],
    }
    return ("segment", value)


def segmented_page(*blocks, slug="for-you"):
    """A live content page under the home page: an opening paragraph, then `blocks`."""
    page = ContentPage(
        title="For you", slug=slug, introduction="", body=[("rich_text", "<p>For every visitor</p>"), *blocks]
    )
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return page


def customer(*, value_class=None, tier=None, segment=None, paid=False, design=False, **kwargs):
    """A signed-up customer with the facts given (an account only when one of its facts is)."""
    user = CustomerFactory(**kwargs)
    if value_class or tier or segment:
        account = LoyaltyAccountFactory(user=user)
        account.value_class = value_class or account.value_class
        account.segment = segment or account.segment
        account.tier = Tier.objects.get(code=tier) if tier else None
        account.save()
    if paid:
        OrderFactory(user=user)
    if design:
        saved_design(user)
    return user


def saved_design(owner, *, preset=False):
    family = ProductFamily.objects.filter(current_version__isnull=False).order_by("pk").first()
    return SavedDesign.objects.create(
        family=family,
        owner=owner,
        name="Mine",
        version_number=family.current_version.number,
        values={},
        price="100.00",
        is_preset=preset,
    )
