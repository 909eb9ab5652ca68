from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import AnswerVotesReport


class VotesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("help.view_answervote")


@hooks.register("register_reports_menu_item")
def register_votes_report():
    return VotesMenuItem(_("Help answers: votes"), reverse("help_votes_report"), icon_name="help", order=700)


@hooks.register("register_admin_urls")
def register_votes_report_url():
    return [
        path("reports/help-votes/", AnswerVotesReport.as_view(), name="help_votes_report"),
        path(
            "reports/help-votes/results/",
            AnswerVotesReport.as_view(results_only=True),
            name="help_votes_report_results",
        ),
    ]
