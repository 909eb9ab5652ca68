from django.urls import path

from . import inbound_view, views
from .claims import views as claim_views

app_name = "care"

urlpatterns = [
    # Linked from help pages' "Still stuck?" with ?help_page=<page id>&topic=<slug>, and from orders.
    path("tickets/new/", views.open_ticket, name="open-ticket"),
    path("tickets/follow/<str:token>/", views.guest_ticket_page, name="guest-ticket"),
    path("tickets/follow/<str:token>/files/<int:attachment_id>/", views.guest_attachment, name="guest-attachment"),
    path("accounts/tickets/", views.ticket_list, name="tickets"),
    path("accounts/tickets/<str:reference>/", views.ticket_page, name="ticket"),
    path("accounts/tickets/<str:reference>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    # Returns and warranty claims, from the hub's order page (care/claims/).
    path("accounts/claims/new/<str:number>/<int:line_id>/", claim_views.new_claim, name="new-claim"),
    path("accounts/claims/<str:rma>/label/", claim_views.label, name="claim-label"),
    # A mail provider's webhook with e-mail replies to tickets (off until CARE_INBOUND_MAIL_SECRET is set).
    path("care/inbound-mail/", inbound_view.inbound_mail, name="inbound-mail"),
]
