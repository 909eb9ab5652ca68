"""Tables as CSV downloads, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection): a
# customer's name or a family's is not ours to run, so such a cell is written as text.
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA):
        return f"'{value}"
    return value


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return response
