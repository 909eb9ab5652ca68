"""Starting Django loads neither OR-Tools (with pandas) nor WeasyPrint: about 140 MB that only the
planner's solve and the documents need, which every web worker, beat and the nightly roll-up would
otherwise carry (issue #19's memory target; docs/operations.md)."""

import json
import os
import subprocess
import sys

from django.conf import settings

HEAVY = ("ortools", "pandas", "weasyprint")

PROBE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted(name for name in %r if name in sys.modules)))
"""


def test_django_starts_without_the_solver_and_the_pdf_renderer():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.embedded"}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,)],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(probe.stdout.strip().splitlines()[-1]) == []


def test_the_lazy_names_are_the_solver_and_the_renderer_themselves():
    from atelier import pdf
    from production import scheduling
    from production.scheduling import solver

    assert scheduling.solve is solver.solve
    assert pdf.InlineOnlyFetcher is pdf.InlineOnlyFetcher
    assert "weasyprint" in sys.modules
