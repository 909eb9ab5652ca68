"""Help pages made to measure for a test, under the demo's help centre."""

from care.help.models import CaseArticlePage, HelpIndexPage, HelpTopicPage


def question(text, answer, anchor=""):
    return ("question", {"question": text, "answer": answer, "anchor": anchor})


def new_topic(slug, questions, *, publish=True, **fields):
    """A topic under the help centre; published now unless `publish` is False (then a draft)."""
    index = HelpIndexPage.objects.get()
    page = index.add_child(
        instance=HelpTopicPage(title=slug.replace("-", " ").title(), slug=slug, body=questions, live=False, **fields)
    )
    revision = page.save_revision()
    if publish:
        revision.publish()
    return HelpTopicPage.objects.get(pk=page.pk)


def new_case(slug, *, asked, answer, publish=True):
    index = HelpIndexPage.objects.get()
    page = index.add_child(
        instance=CaseArticlePage(
            title=slug.replace("-", " ").title(), slug=slug, question=asked, answer=answer, live=False
        )
    )
    revision = page.save_revision()
    if publish:
        revision.publish()
    return CaseArticlePage.objects.get(pk=page.pk)
