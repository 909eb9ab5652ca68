"""Demo gift cards and store credit: the gift card in the catalogue, service staff who may give
store credit, and Ada's credit for a late delivery in her wallet."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from oscar.core.loading import get_model

from loyalty.wallet.models import StoredValue
from loyalty.wallet.purchase import GIFT_CARD_UPC
from loyalty.wallet.services.cards import issue_store_credit
from loyalty.wallet.services.product import ensure_gift_card_product

from .care import CUSTOMER_SERVICE
from .catalogue import PARTNER_NAME


def load_gift_card():
    """The "Gift card" product (nothing to ship, priced as chosen)."""
    existed = get_model("catalogue", "Product").objects.filter(upc=GIFT_CARD_UPC).exists()
    ensure_gift_card_product(partner_name=PARTNER_NAME)
    return 0 if existed else 1


def load_store_credit():
    """Customer service may give store credit; Ada has £15 of it, for a late delivery."""
    made = 0
    group = Group.objects.filter(name=CUSTOMER_SERVICE).first()
    permission = Permission.objects.get(content_type__app_label="wallet", codename="issue_store_credit")
    if group is not None and not group.permissions.filter(pk=permission.pk).exists():
        group.permissions.add(permission)
        made += 1
    ada = get_user_model().objects.filter(email="ada@example.com").first()
    if ada is not None and not StoredValue.objects.filter(holder=ada, kind="store_credit").exists():
        issue_store_credit(ada, "15.00", "Sorry for the late delivery", key="demo:ada-late-delivery")
        made += 1
    return made
