"""The help centre's StreamField blocks: a question with its answer, the unit of a topic page."""

from django.utils.text import slugify
from wagtail import blocks


class QuestionBlock(blocks.StructBlock):
    """One question and its answer. The block's id keys its votes; the anchor makes it linkable."""

    question = blocks.CharBlock(max_length=200, help_text="As a customer would ask it")
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3"])
    anchor = blocks.CharBlock(
        required=False,
        max_length=60,
        search_index=False,
        help_text="The end of this question's link (…/#anchor). Made from the question when empty; "
        "set it to keep links working when you reword the question.",
    )

    class Meta:
        icon = "help"
        template = "help/blocks/question.html"
        description = "A question and its answer, with its own link and a 'did this answer it?' vote"
        preview_value = {
            "question": "Can I change my order after paying?",
            "answer": "<p>Yes, free of charge, until it enters production.</p>",
        }


class QuestionStreamBlock(blocks.StreamBlock):
    question = QuestionBlock()


def anchor_for(value):
    return slugify(value.get("anchor") or value.get("question") or "")[:60] or "question"
