"""The commands' progress bars live in atelier.cli, so commands of the domain apps (below portal)
draw the same bar; the portal's commands keep importing them from here."""

from atelier.cli import add_progress_argument, progress

__all__ = ["add_progress_argument", "progress"]
