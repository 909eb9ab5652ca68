"""Oscar's thumbnailer, taught that an SVG needs no thumbnail.

Product illustrations are SVG: they scale without loss, and Pillow (behind sorl) cannot
open them. Oscar routes every product thumbnail (listings, basket, checkout, dashboard)
through OSCAR_THUMBNAILER, so this one place serves the original file for SVGs.
"""

from dataclasses import dataclass

from oscar.core.thumbnails import SorlThumbnail


@dataclass(frozen=True)
class OriginalImage:
    url: str
    width: int | None = None
    height: int | None = None


def is_svg(source) -> bool:
    name = getattr(source, "name", source) or ""
    return str(name).lower().endswith(".svg")


class SvgAwareThumbnailer(SorlThumbnail):
    def generate_thumbnail(self, source, **opts):
        if is_svg(source):
            return OriginalImage(url=source.url)
        return super().generate_thumbnail(source, **opts)

    def delete_thumbnails(self, source):
        if not is_svg(source):
            super().delete_thumbnails(source)
