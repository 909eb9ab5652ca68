"""Benchmark customer care on PostgreSQL: help search over thousands of articles.

    python benchmarks/care.py [--quick] [--articles N]
        [--database-url postgres://postgres@127.0.0.1:5432/h_care_bench]

Help search (issue #18, "help search over 5,000 articles under 50 ms median"):
1. Articles (5,000; --quick 500) are made as Wagtail pages under one help centre, one in five a
   topic of three questions and the rest case articles, from a seeded vocabulary of the shop's
   words; Wagtail indexes them as they are saved. Generation is not timed, and runs again only
   when the count differs.
2. The measure, `search_median_ms`: a request to /help/search/?q=... through Django's test client
   (middleware, the search view, Wagtail's PostgreSQL full text query, the results page rendered,
   the search recorded), for a fixed list of one- and two-word queries, several rounds.
3. The baseline in the same run, `naive_median_ms`: the same request with the search done the
   straightforward way, `icontains` on every page's title, question and answer text for each word,
   the matches loaded and ranked in Python by how many words they hold. `ratio` =
   search_median_ms / naive_median_ms (below 1: Wagtail's search is faster).

One function per measured part (`measure_search`), so later parts of care (the ticket queue,
the promise sweep) add theirs to the same JSON. Progress on stderr; the last stdout line is one
JSON object.
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--quick", action="store_true", help="500 articles, fewer rounds")
parser.add_argument("--articles", type=int)
parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h_care_bench")
args = parser.parse_args()
ARTICLES = args.articles or (500 if args.quick else 5_000)
ROUNDS = 3 if args.quick else 5

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "portal.settings.embedded",
        "DATABASE_URL": args.database_url,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "consolemail://",
    }
)

import django  # noqa: E402

QUERIES = [
    "delivery",
    "refund",
    "sofa fabric",
    "fridge hinge",
    "points expire",
    "invoice",
    "late order",
    "print colour",
    "cancel",
    "voltage plug",
    "cushion",
    "promise date",
]
WORDS = str.split(
    "delivery refund sofa fabric fridge hinge points expire invoice late order print colour cancel voltage "
    "plug cushion promise date workshop module seat linen wool oak finish alcove door seal shelf courier "
    "parcel tracking payment card bank receipt tier birthday review photo damage repair remake size width "
    "height depth leg frame spring foam zip cover wash dry iron ink shirt tote handle strap gift wrap"
)


from benchmarks.support import ensure_database, log  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from care.help import selectors  # noqa: E402
from care.help.models import CaseArticlePage, HelpIndexPage, HelpTopicPage  # noqa: E402
from portal.cms.models import HomePage  # noqa: E402
from portal.demo import content  # noqa: E402


def filler(rng):
    """The other words of a text: 5,000 made-up ones, so a shop word is in a few articles, not all."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


SYLLABLES = str.split("ba be bo da de di ka ke ko la le lo ma me mo na ne no ra re ro sa se so ta te to va ve vo")


def sentence(rng, n):
    words = (rng.choice(WORDS) if rng.random() < 0.05 else filler(rng) for _ in range(n))
    return " ".join(words).capitalize() + "."


def prepare_site():
    log("migrating the benchmark database…")
    call_command("migrate", verbosity=0, interactive=False)
    content.load_wagtail_roots()
    home = HomePage.objects.first()
    if home is None:
        home = Page.get_first_root_node().add_child(instance=HomePage(title="Atelier", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "127.0.0.1", "port": 80, "root_page": home, "site_name": "B"}
    )
    return HelpIndexPage.objects.first() or home.add_child(instance=HelpIndexPage(title="Help centre", slug="help"))


def generate_articles(index, n):
    have = HelpTopicPage.objects.count() + CaseArticlePage.objects.count()
    if have == n and HelpTopicPage.objects.filter(slug="topic-0", title__contains="v2").exists():
        log(f"{n:,} articles already there")
        return
    log(f"generating {n:,} help articles (not timed)…")
    for page in index.get_children():
        page.delete()
    rng = random.Random(18)
    started = time.perf_counter()
    for i in range(n):
        if i % 5 == 0:
            body = [
                ("question", {"question": sentence(rng, 6), "answer": f"<p>{sentence(rng, 40)}</p>", "anchor": ""})
                for _ in range(3)
            ]
            page = HelpTopicPage(title=f"Topic {i} v2: {sentence(rng, 3)}", slug=f"topic-{i}", body=body)
        else:
            page = CaseArticlePage(
                title=f"Case {i}: {sentence(rng, 5)}",
                slug=f"case-{i}",
                question=sentence(rng, 25),
                answer=f"<p>{sentence(rng, 60)}</p>",
            )
        index.add_child(instance=page)
        if (i + 1) % 500 == 0:
            log(f"  {i + 1:,} articles, {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would do after so many new rows


def naive_search(query, *, limit=selectors.SEARCH_LIMIT):
    """The straightforward search: icontains on every page's text per word, ranked in Python."""
    query = selectors.clean_query(query)
    words = query.split()
    if not words:
        return selectors.HelpSearch(query)
    condition = Q()
    for word in words:
        condition |= (
            Q(title__icontains=word)
            | Q(helptopicpage__body__icontains=word)
            | Q(casearticlepage__question__icontains=word)
            | Q(casearticlepage__answer__icontains=word)
        )
    pages = list(Page.objects.live().public().type(HelpTopicPage, CaseArticlePage).filter(condition).specific())

    def text(page):
        if isinstance(page, CaseArticlePage):
            return f"{page.title} {page.question} {page.answer}".lower()
        return f"{page.title} {page.introduction} {page.body.raw_data}".lower()

    pages.sort(key=lambda page: -sum(text(page).count(word.lower()) for word in words))
    marked = selectors.highlight.terms(query)
    return selectors.HelpSearch(query, len(pages), [selectors._hit(page, marked) for page in pages[:limit]])


def timed_requests(client, url, rounds):
    times, counts = [], {}
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            response = client.get(url, {"q": query}, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}?q={query} answered {response.status_code}")
            found = re.search(r"(\d+) results? for", response.content.decode())
            counts[query] = int(found.group(1)) if found else 0
    return times, counts


def measure_search(index, rounds):
    """Help search through the page's own route, against the icontains baseline, same queries."""
    client = Client()
    url = index.url + "search/"
    timed_requests(client, url, 1)  # warm: templates, connections, caches
    log(f"help search: {len(QUERIES)} queries × {rounds} rounds through Wagtail's search…")
    fast, fast_counts = timed_requests(client, url, rounds)
    log("the same with the icontains baseline…")
    with mock.patch.object(selectors, "search_help", naive_search):
        timed_requests(client, url, 1)
        slow, slow_counts = timed_requests(client, url, rounds)
    search_ms, naive_ms = statistics.median(fast), statistics.median(slow)
    log(
        f"search median {search_ms:.1f} ms (p95 {statistics.quantiles(fast, n=20)[-1]:.1f}), "
        f"icontains median {naive_ms:.1f} ms; results per query: "
        + ", ".join(f"{q} {fast_counts[q]}/{slow_counts[q]}" for q in QUERIES)
    )
    return {
        "search_median_ms": round(search_ms, 2),
        "search_p95_ms": round(statistics.quantiles(fast, n=20)[-1], 2),
        "naive_median_ms": round(naive_ms, 2),
        "ratio": round(search_ms / naive_ms, 3),
    }


def main():
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (--database-url).")
    index = prepare_site()
    generate_articles(index, ARTICLES)
    results = {"articles": ARTICLES}
    results.update(measure_search(index, ROUNDS))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
