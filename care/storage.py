"""Where customers' private files are kept: a folder outside the public media, with no URL of its own.

Ticket attachments and claim photos (read back only through care's views, which check the
owner first) and the invoices portal/documents renders once per state (served only to the
order's owner) go under CARE_PRIVATE_ROOT, which no web server serves.
"""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage at CARE_PRIVATE_ROOT, read when used (so a test can move it), without a URL."""

    @property
    def base_location(self):
        return str(settings.CARE_PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("private files have no public URL; views that check the owner serve them")


private_storage = PrivateStorage()


def attachment_path(instance, filename):
    """A random name per file: the customer's file name is kept on the row, never used as a path."""
    extension = os.path.splitext(filename)[1].lower()
    return f"care/attachments/{secrets.token_hex(2)}/{secrets.token_urlsafe(16)}{extension}"
