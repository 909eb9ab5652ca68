"""Benchmark customer care on PostgreSQL: the staff queue, the promise sweep, help search.

    python benchmarks/care.py [--quick] [--parts queue,sweep,search] [--articles N]
        [--database-url postgres://postgres@127.0.0.1:5432/h_care_bench]

Tickets (issue #18, "100,000 tickets for 1,000,000 customers"; --quick 5,000 for 50,000): customers
and tickets are generated in SQL with generate_series (not timed), again only when the counts
differ. Every ticket is active (new, open or waiting), one of four topics and queues, a third
answered; the next promise is spread evenly from 2 days ago to 10 days ahead. As a live shop
between two beat runs: tickets more than 5 minutes past it were escalated and warned already,
those due within the warning window (2 h) not warned yet, those past it by under 5 minutes not
escalated yet; `ANALYZE` after generating.

The staff queue, `queue_median_ms`: GET /dashboard/care/ through Django's test client signed in as
a staff member with the care role (middleware, permission, the filter form, the page of 50 by
time to breach and its count, the page rendered), for seven filter sets (none, a queue, a topic,
nobody's, due within 8 h, overdue, page 20), several rounds; `queue_queries` is the default
page's query count. Baseline, `queue_naive_median_ms`: the same requests with the queue read the
straightforward way, every matching ticket loaded (with its topic, queue, assignee, customer) and
sorted in Python by its next promise, the page sliced from the list. `queue_ratio` =
queue / baseline (below 1: faster).

The promise sweep, `sweep_s`: `care.services.sweep.sweep_promises` (what beat runs every 5
minutes) over the 100,000 active tickets (the waiting third paused: read past, never acted on),
timed whole, then run again: `second_sweep_changed` counts what the second run warned or
escalated (must be 0). Baseline, `sweep_naive_s`: the per-row version on the same state (reset
between them): every new or open ticket loaded and checked in Python, each one near its promise
warned and each overdue escalated by itself (workflow.escalate, as a person would). `sweep_ratio` =
sweep / baseline.

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
   the matches loaded and ranked in Python by how many words they hold. `search_ratio` =
   search_median_ms / naive_median_ms (below 1: Wagtail's search is faster).

`search_ratio` is that ratio again under its own name. The top-level `ratio` is the queue's.

One function per measured part (`measure_queue`, `measure_sweep`, `measure_search`). With
--quick the search part keeps a full-size set of articles if one is there (and generates 500
only when there is none). Progress on stderr; the last stdout line is one JSON object.
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
parser.add_argument("--quick", action="store_true", help="5,000 tickets, 500 articles, fewer rounds")
parser.add_argument("--articles", type=int)
parser.add_argument("--parts", default="queue,sweep,search", help="comma-separated: queue, sweep, search")
parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h_care_bench")
args = parser.parse_args()
ARTICLES = args.articles or (500 if args.quick else 5_000)
ROUNDS = 3 if args.quick else 5
TICKETS, CUSTOMERS = (5_000, 50_000) if args.quick else (100_000, 1_000_000)
PARTS = set(args.parts.split(","))

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


from benchmarks.lib.postgres import ensure_database, log  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])
django.setup()

from datetime import timedelta  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
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
    if args.quick and not args.articles and have == 5_000:
        log("the full-size 5,000 articles are there: --quick searches them rather than regenerate")
        return 5_000
    if have == n and HelpTopicPage.objects.filter(slug="topic-0", title__contains="v2").exists():
        log(f"{n:,} articles already there")
        return n
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
    return n


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
        "search_ratio": round(search_ms / naive_ms, 3),
    }


DELETE_EVENTS = (
    "DELETE FROM care_ticketevent WHERE ticket_id IN (SELECT id FROM care_ticket WHERE reference LIKE 'B-%%')"
)
BENCH_TOPICS = ["bench-order", "bench-delivery", "bench-payment", "bench-quality"]
TICKET_SPAN = ("2 days", "12 days")  # the next promise from now - 2 days over the 12 days after


def generate_tickets(tickets, customers):
    """Customers and active tickets in SQL (not timed); again only when the counts differ."""
    from care.models import Ticket, Topic

    if (
        Ticket.objects.filter(reference__startswith="B-").count() == tickets
        and get_user_model().objects.filter(email__endswith="@care.bench").count() == customers
    ):
        log(f"{tickets:,} tickets for {customers:,} customers already there")
        reset_tickets()
        return
    log(f"generating {customers:,} customers and {tickets:,} tickets (not timed)…")
    groups = [Group.objects.get_or_create(name=f"Bench queue {i}")[0] for i in range(len(BENCH_TOPICS))]
    Group.objects.get_or_create(name=settings.CARE_ESCALATION_GROUP)
    topics = [
        Topic.objects.update_or_create(slug=slug, defaults={"name": slug, "queue": group})[0]
        for slug, group in zip(BENCH_TOPICS, groups, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM care_ticketevent WHERE ticket_id IN (SELECT id FROM care_ticket WHERE reference LIKE 'B-%%')"
        )
        cursor.execute("DELETE FROM care_ticket WHERE reference LIKE 'B-%%'")
        cursor.execute("DELETE FROM users_user WHERE email LIKE '%%@care.bench'")
        cursor.execute(
            """INSERT INTO users_user (password, is_superuser, email, first_name, last_name, is_staff, is_active,
                   date_joined, time_zone)
               SELECT '!', false, 'c' || g || '@care.bench', 'Customer', 'No ' || g, false, true,
                   now() - (random() * interval '1200 days'), 'Europe/London'
               FROM generate_series(1, %s) g""",
            [customers],
        )
        cursor.execute("SELECT MIN(id), MAX(id) FROM users_user WHERE email LIKE '%%@care.bench'")
        first, last = cursor.fetchone()
        topic_ids = [t.pk for t in topics]
        group_ids = [g.pk for g in groups]
        # due: the next promise; a third answered (their next promise is the resolution).
        cursor.execute(
            """INSERT INTO care_ticket (reference, user_id, guest_email, guest_name, topic_id, subject, state,
                   priority, severity, channel, queue_id, opened_at, first_response_due, resolution_due,
                   first_responded_at, last_activity_at)
               SELECT 'B-' || g, %s + floor(random() * (%s - %s + 1))::bigint, '', '',
                   (%s::bigint[])[1 + g %% 4], 'Question ' || g, (ARRAY['new', 'open', 'waiting'])[1 + g %% 3],
                   1 + (g %% 3), '', 'web', (%s::bigint[])[1 + g %% 4], due - interval '3 days',
                   CASE WHEN g %% 3 = 0 THEN due - interval '1 day' ELSE due END,
                   CASE WHEN g %% 3 = 0 THEN due ELSE due + interval '7 days' END,
                   CASE WHEN g %% 3 = 0 THEN due - interval '2 days' END, due - interval '1 day'
               FROM (SELECT g, now() - %s::interval + random() * %s::interval AS due
                     FROM generate_series(1, %s) g) s""",
            [first, last, first, topic_ids, group_ids, *TICKET_SPAN, tickets],
        )
    reset_tickets()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE care_ticket")
        cursor.execute("VACUUM ANALYZE users_user")


def reset_tickets():
    """Every bench ticket back to the state between two beat runs (not timed)."""
    from care.models import Topic

    topics = {t.slug: t for t in Topic.objects.filter(slug__in=BENCH_TOPICS)}
    experts = Group.objects.get(name=settings.CARE_ESCALATION_GROUP)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM care_ticketevent WHERE ticket_id IN (SELECT id FROM care_ticket WHERE reference LIKE 'B-%%')"
        )
        cursor.execute("DELETE FROM communication_notification WHERE subject LIKE 'B-%%'")
        for slug in BENCH_TOPICS:
            cursor.execute(
                """UPDATE care_ticket SET queue_id = %s, priority = 1 + (substr(reference, 3)::int %% 3),
                       warned_at = NULL, escalated_at = NULL
                   WHERE reference LIKE 'B-%%' AND topic_id = %s""",
                [topics[slug].queue_id, topics[slug].pk],
            )
        cursor.execute(
            """UPDATE care_ticket SET warned_at = due - interval '2 hours', escalated_at = due, queue_id = %s
               FROM (SELECT id AS pk, CASE WHEN first_responded_at IS NULL THEN first_response_due
                         ELSE resolution_due END AS due FROM care_ticket WHERE reference LIKE 'B-%%') s
               WHERE id = pk AND due < now() - interval '5 minutes'""",
            [experts.pk],
        )


def bench_agent():
    """A staff member with the care role, in every bench queue."""
    agent, _ = get_user_model().objects.get_or_create(
        email="agent@atelier.bench", defaults={"is_staff": True, "first_name": "Bench", "last_name": "Agent"}
    )
    agent.is_staff = True
    agent.set_password("bench")
    agent.save()
    agent.user_permissions.add(Permission.objects.get(codename="answer_ticket", content_type__app_label="care"))
    agent.groups.add(*Group.objects.filter(name__startswith="Bench queue"))
    return agent


REAL_QUEUE = None  # console.queue, kept before the baseline patches it


def naive_queue(*, filters, user, now=None):
    """The straightforward queue: every matching ticket loaded, sorted by its next promise in Python."""
    now = now or timezone.now()
    tickets = list(REAL_QUEUE(filters=filters, user=user, now=now).order_by())
    for ticket in tickets:
        ticket.next_due = ticket.first_response_due if ticket.first_responded_at is None else ticket.resolution_due
    tickets.sort(key=lambda t: (t.next_due, -t.priority, t.pk))
    return tickets


def queue_urls():
    from care.models import Topic

    topic = Topic.objects.get(slug=BENCH_TOPICS[1])
    return [
        "/dashboard/care/",
        f"/dashboard/care/?queue={topic.queue_id}&state=active",
        f"/dashboard/care/?topic={topic.pk}",
        "/dashboard/care/?assignee=none",
        "/dashboard/care/?due=today",
        "/dashboard/care/?due=overdue",
        "/dashboard/care/?page=20",
    ]


def timed_pages(client, urls, rounds):
    times = []
    for _ in range(rounds):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    return times


def measure_queue(rounds):
    """The staff queue through its view, against the sort-in-Python baseline, same filters."""
    from care import console

    client = Client()
    client.force_login(bench_agent())
    urls = queue_urls()
    timed_pages(client, urls, 1)  # warm
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get(urls[0], HTTP_HOST="127.0.0.1")
    log(f"queue: {len(urls)} filter sets × {rounds * 3} rounds…")
    fast = timed_pages(client, urls, rounds * 3)
    log("the same with the sort-in-Python baseline…")
    global REAL_QUEUE
    REAL_QUEUE = console.queue
    with mock.patch.object(console, "queue", naive_queue):
        slow = timed_pages(client, urls, 1 if TICKETS > 10_000 else rounds)
    queue_ms, naive_ms = statistics.median(fast), statistics.median(slow)
    log(f"queue median {queue_ms:.1f} ms, {len(queries)} queries; baseline median {naive_ms:.1f} ms")
    return {
        "queue_median_ms": round(queue_ms, 2),
        "queue_p95_ms": round(statistics.quantiles(fast, n=20)[-1], 2),
        "queue_queries": len(queries),
        "queue_naive_median_ms": round(naive_ms, 2),
        "queue_ratio": round(queue_ms / naive_ms, 4),
    }


def naive_sweep(*, now=None):
    """The per-row sweep: every active ticket loaded and checked in Python, each acted on by itself."""
    from care.models import Author, Ticket
    from care.services import sweep
    from care.services.workflow import escalate

    now = now or timezone.now()
    report = sweep.SweepReport()
    warn_until = now + timedelta(minutes=settings.CARE_WARN_BEFORE_MINUTES)
    for ticket in Ticket.objects.filter(state__in=sweep.CLOCK_RUNS).select_related("queue").iterator(2000):
        due = ticket.first_response_due if ticket.first_responded_at is None else ticket.resolution_due
        if ticket.escalated_at is None and due < now:
            reason = sweep._overdue_reason(ticket)
            report.escalated += escalate(ticket=ticket, actor_kind=Author.SYSTEM, reason=reason, now=now)
        elif ticket.escalated_at is None and ticket.warned_at is None and now <= due < warn_until:
            report.warned += sweep._warn([ticket.pk], now)
    return report


def measure_sweep():
    from care.services import sweep

    reset_tickets()
    log("sweep: per-row baseline…")
    started = time.perf_counter()
    slow = naive_sweep()
    naive_s = time.perf_counter() - started
    reset_tickets()
    log(f"  {naive_s:.2f} s ({slow}); the beat sweep…")
    started = time.perf_counter()
    first = sweep.sweep_promises()
    sweep_s = time.perf_counter() - started
    second = sweep.sweep_promises()
    log(f"  {sweep_s:.2f} s ({first}); second run {second}")
    return {
        "sweep_s": round(sweep_s, 3),
        "swept_warned": first.warned,
        "swept_escalated": first.escalated,
        "swept_failed": first.failed,
        "second_sweep_changed": second.warned + second.escalated,
        "sweep_naive_s": round(naive_s, 3),
        "sweep_ratio": round(sweep_s / naive_s, 4),
    }


def main():
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (--database-url).")
    index = prepare_site()
    results = {"quick": args.quick}
    if PARTS & {"queue", "sweep"}:
        generate_tickets(TICKETS, CUSTOMERS)
        results["tickets"], results["customers"] = TICKETS, CUSTOMERS
        if "queue" in PARTS:
            results.update(measure_queue(ROUNDS))
        if "sweep" in PARTS:
            results.update(measure_sweep())
    if "search" in PARTS:
        results["articles"] = generate_articles(index, ARTICLES)
        results.update(measure_search(index, ROUNDS))
    ratio = results.get("queue_ratio") or results.get("sweep_ratio") or results.get("search_ratio")
    results["ratio"] = ratio
    print(json.dumps(results))


if __name__ == "__main__":
    main()
