"""Wagtail images made on the spot for the CMS tests (a real file, so renditions are generated)."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.images import get_image_model


def wagtail_image(title="Workshop bench", size=(1600, 1000), colour=(180, 120, 90)):
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, colour).save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=f"{title.replace(' ', '-')}.png"))
