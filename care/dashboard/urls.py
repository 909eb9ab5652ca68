from django.urls import path

from ..claims import dashboard as claims
from . import opening, views

app_name = "care-dashboard"
urlpatterns = [
    path("", views.queue, name="queue"),
    # Before the ticket's catch-all route, which would take "new" as a reference.
    path("new/", opening.find_customer, name="find-customer"),
    path("new/<int:user_id>/", opening.open_for_customer, name="open-for-customer"),
    path("claims/", claims.claims, name="claims"),
    path("claims/<str:rma>/", claims.claim_page, name="claim"),
    path("claims/<str:rma>/decide/", claims.decide, name="decide-claim"),
    path("claims/<str:rma>/label/", claims.label, name="claim-label"),
    path("<str:reference>/", views.ticket_page, name="ticket"),
    path("<str:reference>/state/", views.change_state, name="state"),
    path("<str:reference>/assign/", views.assign, name="assign"),
    path("<str:reference>/escalate/", views.escalate, name="escalate"),
    path("<str:reference>/remake/", views.remake, name="remake"),
    path("<str:reference>/article/", views.article, name="article"),
    path("<str:reference>/files/<int:attachment_id>/", views.attachment, name="attachment"),
]
