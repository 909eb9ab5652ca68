from django.urls import path

from . import views

app_name = "care-dashboard"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:reference>/", views.ticket_page, name="ticket"),
    path("<str:reference>/state/", views.change_state, name="state"),
    path("<str:reference>/assign/", views.assign, name="assign"),
    path("<str:reference>/escalate/", views.escalate, name="escalate"),
    path("<str:reference>/remake/", views.remake, name="remake"),
    path("<str:reference>/article/", views.article, name="article"),
    path("<str:reference>/files/<int:attachment_id>/", views.attachment, name="attachment"),
]
