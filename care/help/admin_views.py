"""Staff's view of the votes: a Wagtail report of every question's yes and no answers."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from . import selectors


class QuestionColumn(Column):
    cell_template_name = "help/admin/question_cell.html"


class AnswerVotesReport(ReportView):
    """Questions with their votes, the least helpful first: the answers worth rewriting."""

    page_title = _("Help answers: votes")
    header_icon = "help"
    index_url_name = "help_votes_report"
    index_results_url_name = "help_votes_report_results"
    permission_policy = None
    any_permission_required = ["help.view_answervote"]
    columns = [
        QuestionColumn("question", label=_("Question")),
        Column("page_title", label=_("Page")),
        Column("yes", label=_("Yes")),
        Column("no", label=_("No")),
        Column("helpful_share", label=_("Found it helpful (%)")),
    ]
    list_export = ["question", "page_title", "yes", "no", "helpful_share"]
    export_headings = {"page_title": _("Page"), "helpful_share": _("Found it helpful (%)")}

    def get_queryset(self):
        return [{**row, "page_title": row["page"].title if row["page"] else ""} for row in selectors.vote_counts()]

    def user_has_permission(self, permission):
        return self.request.user.has_perm("help.view_answervote")
