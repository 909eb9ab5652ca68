"""Gallery, video and hero blocks: responsive WebP pictures, alt text required, videos from our own origin."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from portal.cms.blocks import GalleryBlock, HeroBlock, VideoBlock
from portal.cms.models import ContentPage
from tests.cms.images import wagtail_image

pytestmark = pytest.mark.django_db


def _document(name, content=b"\x00\x00\x00\x18ftypmp42"):
    return get_document_model().objects.create(title=name, file=ContentFile(content, name=name))


def _gallery(*items):
    block = GalleryBlock()
    return block, block.to_python(
        {
            "heading": "From the workshop",
            "images": [{"image": image.pk, "alt_text": alt, "caption": caption} for image, alt, caption in items],
        }
    )


def test_the_gallery_serves_webp_with_a_jpeg_fallback_at_three_widths():
    image = wagtail_image("Bench")
    block, value = _gallery((image, "A bench of oak planks", "Planks drying"))

    html = block.render(value)

    source = re.search(r'<source sizes="[^"]*" srcset="([^"]*)" type="image/webp">', html)
    assert source is not None
    webp = source.group(1).split(", ")
    assert [part.rsplit(" ", 1)[1] for part in webp] == ["400w", "800w", "1200w"]
    assert all(part.split(" ")[0].endswith(".webp") for part in webp)
    assert 'alt="A bench of oak planks"' in html
    assert 'sizes="(min-width: 992px) 33vw, (min-width: 576px) 50vw, 100vw"' in html
    assert ".jpg" in html.split("<img")[1]  # the fallback for browsers without WebP
    assert "<figcaption>Planks drying</figcaption>" in html


def test_a_gallery_picture_without_alt_text_is_refused():
    block = GalleryBlock()
    value = block.to_python({"heading": "", "images": [{"image": wagtail_image().pk, "alt_text": "", "caption": ""}]})

    with pytest.raises(ValidationError):
        block.clean(value)


def test_captions_and_alt_text_are_escaped():
    block, value = _gallery((wagtail_image(), '"><script>alert(1)</script>', "<b>bold</b>"))

    html = block.render(value)

    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_the_hero_image_is_a_picture_with_webp_sources():
    block = HeroBlock()
    value = block.to_python({"heading": "Made for you", "image": wagtail_image("Hero").pk, "illustration": "workshop"})

    html = block.render(value)

    assert "<picture><source " in html
    assert 'type="image/webp"' in html
    assert "480w" in html and "1200w" in html


def test_a_video_from_our_documents_plays_here_with_its_captions_and_transcript():
    block = VideoBlock()
    video, captions = _document("workshop.mp4"), _document("workshop.vtt", b"WEBVTT\n")
    value = block.to_python(
        {"title": "Inside the workshop", "video": video.pk, "captions": captions.pk, "transcript": "We cut the oak."}
    )

    block.clean(value)
    html = block.render(value)

    assert '<video controls preload="metadata"' in html
    assert f'<source src="{video.url}" type="video/mp4">' in html
    assert f'<track kind="captions" src="{captions.url}"' in html
    assert "We cut the oak." in html
    assert "<iframe" not in html and "<script" not in html


def test_a_video_elsewhere_is_a_link_and_nothing_is_loaded_from_that_site():
    block = VideoBlock()
    value = block.to_python({"title": "Our sofa frame", "external_url": "https://www.youtube.com/watch?v=abc"})

    block.clean(value)
    html = block.render(value)

    assert 'href="https://www.youtube.com/watch?v=abc" rel="noopener noreferrer"' in html
    assert "<iframe" not in html and "<video" not in html and "<script" not in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "video", "Choose a video from Documents or give a link to one elsewhere, not both"),
        ({"video": "both", "external_url": "https://example.com/v"}, "external_url", "not both"),
        ({"video": "notes.pdf"}, "video", "This document is not a video: upload an .mp4 or .webm file"),
        ({"video": "clip.webm", "captions": "captions.pdf"}, "captions", "Captions are a WebVTT file ending in .vtt"),
    ],
)
def test_a_video_block_without_a_playable_video_is_refused_in_words(fields, field, message):
    block = VideoBlock()
    names = {"both": "both.mp4"}
    data = {"title": "Clip"}
    for name, given in fields.items():
        data[name] = _document(names.get(given, given)).pk if name in ("video", "captions") else given

    with pytest.raises(ValidationError) as refused:
        block.clean(block.to_python(data))

    assert message in str(refused.value.block_errors[field].message)


def test_a_content_page_renders_a_gallery_and_a_video(client):
    page = ContentPage.objects.get(slug="about")
    page.body = [
        (
            "gallery",
            {"heading": "The workshop", "images": [{"image": wagtail_image(), "alt_text": "Our bench", "caption": ""}]},
        ),
        ("video", {"title": "A day at the bench", "external_url": "https://example.com/day"}),
    ]
    page.save_revision().publish()

    html = client.get(page.url).content.decode()

    assert '<h2 id="gallery-' in html and "The workshop</h2>" in html
    assert 'alt="Our bench"' in html and 'type="image/webp"' in html
    assert "Watch “A day at the bench” (opens another site in a new tab)" in html


def test_a_video_document_is_served_from_our_origin_as_video(client):
    video = _document("workshop.mp4")

    response = client.get(video.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
