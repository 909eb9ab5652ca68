"""What the analytics dashboard's page tests share: the demo people who open the pages (one who
may, one staff member who may not, a shopper) and a CSV download read back as rows."""

import csv
import io

MERCHANDISER = "merchandiser@atelier.example"
ADMIN = "admin@atelier.example"
PLANNER = "planner@atelier.example"
SHOPPER = "ada@example.com"


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode())))
