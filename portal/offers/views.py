from django.http import Http404
from oscar.apps.offer import views

from loyalty.selectors.redemption import POINTS_OFFER_SLUG

# Offers that are how the shop prices something, not promotions a shopper can go and get.
INTERNAL_OFFER_SLUGS = frozenset({POINTS_OFFER_SLUG})


class PublicOfferListView(views.OfferListView):
    def get_queryset(self):
        return super().get_queryset().exclude(slug__in=INTERNAL_OFFER_SLUGS)


class PublicOfferDetailView(views.OfferDetailView):
    def get(self, request, *args, **kwargs):
        if kwargs["slug"] in INTERNAL_OFFER_SLUGS:
            raise Http404
        return super().get(request, *args, **kwargs)
