"""Oscar's offer app, whose public pages leave out the shop's internal offers.

Redeemed points are a site offer (loyalty/offers.py) so that Oscar applies them to every basket
with points held and records them on the order like any discount. Oscar's /offers/ pages list
every open site offer, so they showed "Points redeemed" as a promotion, with every product in
its range. The same seam as `portal.shop.AtelierShop`: this config takes the place of Oscar's in
INSTALLED_APPS and swaps the two views; the app's label, models and migrations stay Oscar's.
"""

from oscar.apps.offer import apps


class OfferConfig(apps.OfferConfig):
    def ready(self):
        super().ready()
        from . import views

        self.list_view = views.PublicOfferListView
        self.detail_view = views.PublicOfferDetailView
