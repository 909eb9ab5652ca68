"""Take one e-mail reply to a ticket from an MTA's pipe (or a file) and add it to its ticket.

One line says what happened; the exit status is sysexits', which a pipe transport acts on:
0 added, already there, or dropped on purpose (an automatic reply; a closed ticket, whose
customer we answered ourselves); 65 refused (the MTA bounces it with the line); 67 not a valid
ticket address; 75 a temporary failure (database or mail server), so the MTA delivers it again.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from care.services import inbound

EX_OK, EX_DATAERR, EX_NOINPUT, EX_NOUSER, EX_TEMPFAIL = 0, 65, 66, 67, 75
# Dropped without a bounce: the sender needs nothing more from the MTA.
QUIET = {inbound.AUTOMATIC, inbound.CLOSED}


class Command(BaseCommand):
    help = "Add one raw RFC 822 e-mail (stdin, or a file) to the ticket its signed reply address names."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="A file with the message; without it, the message is read from stdin."
        )

    def _raw(self, options):
        limit = settings.CARE_INBOUND_MAIL_MAX_BYTES
        try:
            if options.get("path"):
                with open(options["path"], "rb") as source:
                    raw = source.read(limit + 1)
            else:
                stream = options.get("stdin") or sys.stdin
                raw = getattr(stream, "buffer", stream).read(limit + 1)
        except OSError as error:
            raise CommandError(f"refused (input): {error}", returncode=EX_NOINPUT) from error
        if len(raw) > limit:
            raise CommandError(f"refused (too large): the message is over {limit} bytes", returncode=EX_DATAERR)
        return raw

    def handle(self, *args, **options):
        raw = self._raw(options)
        try:
            outcome = inbound.receive_reply_mail(raw=raw)
        except (DatabaseError, OSError) as error:
            raise CommandError(f"temporary failure, deliver again later: {error}", returncode=EX_TEMPFAIL) from error
        if outcome.accepted:
            self.stdout.write(f"{outcome.code}: {outcome.text}")
        elif outcome.code in QUIET:
            self.stdout.write(f"refused ({outcome.code}): {outcome.text}")
        else:
            status = EX_NOUSER if outcome.code == inbound.ADDRESS else EX_DATAERR
            raise CommandError(f"refused ({outcome.code}): {outcome.text}", returncode=status)
