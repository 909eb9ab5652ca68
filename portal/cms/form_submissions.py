"""The admin's list and export of a form page's entries (Wagtail's, with one guard)."""

from wagtail.contrib.forms.views import SubmissionsListView

# What a spreadsheet reads as the start of a formula (=HYPERLINK(...), +, -, @, a tab or a return first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SubmissionsWithoutFormulas(SubmissionsListView):
    """Wagtail's list and export of entries, with visitors' text kept as text in the CSV.

    Wagtail's XLSX export already turns formulas back into text; its CSV does not, so an entry
    starting "=" would run as a formula in the spreadsheet of the staff member who opens it.
    Such a value gets a leading apostrophe, the spreadsheets' own "this is text" mark.
    """

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV and isinstance(value, str) and value.startswith(FORMULA_STARTS):
            return "'" + value
        return value
