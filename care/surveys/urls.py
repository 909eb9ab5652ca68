from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    # The reminder's link: signed, answers without signing in (links.py).
    path("surveys/<str:token>/", views.answer, name="answer"),
    path("surveys/<str:token>/thanks/", views.thanks, name="thanks"),
    # The hub's order page, for the signed-in owner.
    path("accounts/surveys/<str:number>/", views.order_survey, name="order"),
    path("accounts/surveys/<str:number>/thanks/", views.order_thanks, name="order-thanks"),
]
