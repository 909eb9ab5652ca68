"""Which files a ticket accepts: images (JPEG, PNG, WebP) and PDF, under a size limit, checked by content.

The name's extension and the browser's content type are the sender's to choose, so the kind is
read from the file's first bytes, must agree with the extension, and an image must open as
one (Pillow reads its header). Anything else is refused with a message saying what is accepted.
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

KINDS = {
    # extension: (content type served, check of the first bytes)
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}
ACCEPT = ",".join([*KINDS, "image/jpeg", "image/png", "image/webp", "application/pdf"])


def max_bytes():
    return settings.CARE_ATTACHMENT_MAX_BYTES


def checked(upload):
    """The upload's content type if it is an accepted file; ValidationError saying why not."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if upload.size > max_bytes():
        raise ValidationError(
            _("%(name)s is %(size)s; files can be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    kind = KINDS.get(extension)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if kind is None or not kind[1](head):
        raise ValidationError(
            _("%(name)s is not a photo or a PDF. Please send JPEG, PNG or WebP images, or PDF documents.")
            % {"name": name},
            code="wrong_type",
        )
    content_type = kind[0]
    if content_type.startswith("image/"):
        try:
            with Image.open(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(
                _("%(name)s could not be read as an image.") % {"name": name}, code="unreadable"
            ) from None
        finally:
            upload.seek(0)
    return content_type


def checked_all(uploads):
    uploads = list(uploads)
    limit = settings.CARE_ATTACHMENTS_PER_MESSAGE
    if len(uploads) > limit:
        raise ValidationError(
            _("Please attach at most %(limit)d files to one message.") % {"limit": limit}, code="too_many"
        )
    return [(upload, checked(upload)) for upload in uploads]
