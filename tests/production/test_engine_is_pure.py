import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_and_its_benchmark_import_no_framework():
    probe = (
        "import sys, production.scheduling, production.scheduling.lns;"
        "sys.path.insert(0, 'benchmarks'); import scheduler;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'oscar', 'wagtail', 'celery'}))"
    )

    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
