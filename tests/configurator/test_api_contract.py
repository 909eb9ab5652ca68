"""The JSON API keeps its own contract: schemathesis, with every check, against /api/openapi.json.

Every operation is called in-process through the WSGI app with generated requests, valid and
invalid (wrong types, missing fields, extra fields, lists for strings, unknown paths...), and
every answer must be one the document lists, with a body matching the listed schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

pytestmark = pytest.mark.django_db

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
MAX_EXAMPLES = 25  # per operation and phase: the four operations take about 10 s
CSRF_TOKEN = "h" * 32  # a CSRF secret in cookie and header, as a browser session sends both


@pytest.fixture(autouse=True)
def _connection_outlives_each_request():
    """The WSGI app closes the database connection around each request; the test's transaction
    must survive it (Django's test client does the same)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


# A schema describes a request's shape; whether a configuration keeps a family's rules is the
# configurator's to say. A well-formed quote or design that breaks them (an unknown option, a
# choice the family lacks, an ice maker without its water kit) is answered 422 with the
# problems named, so for those two operations 422 is an acceptable answer to schema-valid data.
RULE_CHECKED = ["configurator_api_quote", "configurator_api_save_design"]
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES},
        "operations": [
            {
                "include-operation-id": RULE_CHECKED,
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]}
                },
            }
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)


@schema.parametrize()
# No deadline or slowness check: a loaded CI machine is not the API breaking its contract.
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The quote and design-saving limits are tested on their own; an exception shows its traceback instead of a bare 500.
@override_settings(
    CONFIGURATOR_QUOTE_RATE="100000/m", CONFIGURATOR_DESIGN_SAVE_RATE="100000/m", DEBUG_PROPAGATE_EXCEPTIONS=True
)
def test_every_operation_keeps_the_contract(case):
    case.cookies = {**(case.cookies or {}), "csrftoken": CSRF_TOKEN}
    case.call_and_validate(headers={"X-CSRFToken": CSRF_TOKEN}, checks=ALL_CHECKS)
