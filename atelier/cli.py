"""Progress bars for management commands, done the way Django's output wrappers allow.

Results go to the command's stdout (what tests read); the bar goes to the real stderr,
and only when a person is watching: a terminal, verbosity >= 1, no --no-progress.
"""

import sys

from tqdm import tqdm


def add_progress_argument(parser):
    parser.add_argument("--no-progress", action="store_true", help="Do not draw progress bars.")


def progress(iterable, *, options, total=None, desc=None, unit="step"):
    """Wrap `iterable` in a tqdm bar bound to the real stderr (tqdm breaks on OutputWrapper)."""
    show = options.get("verbosity", 1) >= 1 and not options.get("no_progress") and sys.stderr.isatty()
    return tqdm(iterable, total=total, desc=desc, unit=unit, file=sys.stderr, disable=not show, leave=True)
