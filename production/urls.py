from django.urls import path

from . import delivery_urls, drag_views, factory_urls, lateness_views, views

app_name = "production"
urlpatterns = [
    path("", views.board, name="board"),
    path("replan/", views.replan_now, name="replan"),
    path("why-late/", lateness_views.why_late, name="why-late"),
    path("why-late/<int:pk>/fix/", lateness_views.apply_fix, name="apply-fix"),
    path("what-if/", lateness_views.what_if_page, name="what-if"),
    path("what-if/commit/", lateness_views.what_if_commit, name="what-if-commit"),
    path("downtime/", views.downtime, name="downtime"),
    path("rates/", views.rate, name="rate"),
    path("work-orders/<int:pk>/freeze/", views.freeze, name="freeze"),
    path("work-orders/<int:pk>/traveler.pdf", views.traveler, name="traveler"),
    path("operations/<int:pk>/move/", views.move, name="move"),
    path("operations/<int:pk>/drop/", drag_views.drop, name="drop"),
    path("operations/<int:pk>/release/", drag_views.release, name="release"),
    path("operations/<int:pk>/status/", views.set_status, name="status"),
    path("travelers/", views.print_day, name="print-day"),
    path("travelers/<int:pk>/", views.batch, name="batch"),
    path("travelers/<int:pk>/travelers.pdf", views.batch_pdf, name="batch-pdf"),
]
urlpatterns += factory_urls.urlpatterns
urlpatterns += delivery_urls.urlpatterns
