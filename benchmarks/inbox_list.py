"""Benchmark: the inbox list page on a million mentions, against the Django admin changelist and raw SQL.

Run by hand, not in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/inbox_list.py                 # 1,000,000 mentions
    .venv/bin/python benchmarks/inbox_list.py --keep          # keep the seeded database for the next run

It creates a throw-away PostgreSQL database (test_<name> of DATABASE_URL, default test_bench_inbox),
migrates it and seeds it with SQL: one organisation, 40 sources and N mentions over two years, Dutch and
English, mostly triaged or ignored and about 3% new. Then, in one process, it times the server side of
each page (Django's test Client, signed in, around ``client.get``) for a set of scenarios:

- ours: the inbox list (``/inbox/``) as a staff member;
- admin: the Django admin changelist of the same model (``/admin/monitoring/mention/``) as a superuser;
- raw page: the same URL path, middleware and template (``inbox/inbox.html``), the list read with one
  hand-written SQL query instead of the form, the selector and the ORM;
- rows only: that SQL query and the 50 rows rendered by the ``mention_rows`` tag, no request at all.

It prints a table with p50/p95/max, SQL queries per request and the targets from the issue, and drops
the database at the end, failed or not (unless --keep).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import re
import signal
import sys
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_inbox"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"

# Targets from the issue.
P50_MS = 10.0
P95_MS = 25.0
ADMIN_SPEEDUP = 4.0  # ours at least 4 times faster than the admin changelist (p50)
RAW_RATIO = 2.0  # ours at most 2 times the raw-SQL page (p50)
MAX_QUERIES = 6

PAGE_SIZE = 50
CASES = 2000
IN_CASE_SHARE = 0.02  # of the mentions, at least
MENTIONS_PER_CASE = 1.5  # on average, at least
SOURCE_URL = "https://feeds.example/"  # the seeded sources' URLs start with it
ADMIN_PAGE_SIZE = 100  # ModelAdmin.list_per_page
DEEP_PAGE = 500
COMMON_TERM = "zwemles"  # in about 5% of the mentions
RARE_TERM = "chloorlucht"  # in about 150 of a million


# The data ---------------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SPAN = timedelta(days=730)
ORGANISATION = "De Dolfijnen"
SOURCES: list[tuple[str, str, str, str]] = [
    # name, kind, platform, publisher shown instead of the source name ("" for none)
    ("Google Alert: De Dolfijnen", "google_alerts", "news", "NOS"),
    ("Google Alert: Dolfijnen zwemles", "google_alerts", "news", "AD"),
    ("Google Alert: zwembad De Dolfijnen", "google_alerts", "news", "De Telegraaf"),
    ("Google Alert: Dolfijnen Utrecht", "google_alerts", "news", "RTV Utrecht"),
    ("Google Alert: Dolfijnen wedstrijd", "google_alerts", "news", "NU.nl"),
    ("Google Alert: Dolfijnen blog", "google_alerts", "blog", ""),
    ("Google Alert: Dolfijnen web", "google_alerts", "web", ""),
    ("Google Alert: Dolfijnen reviews", "google_alerts", "google_reviews", ""),
    ("Zwemforum Utrecht", "feed", "forum", ""),
    ("Ouders forum", "feed", "forum", ""),
    ("Forum Zwemmen.nl", "feed", "forum", ""),
    ("Buurtforum Oost", "feed", "forum", ""),
    ("Forum Sportief Utrecht", "feed", "forum", ""),
    ("Blog van de badmeester", "feed", "blog", ""),
    ("Blog Zwemouders", "feed", "blog", ""),
    ("Buurtnieuws", "feed", "web", ""),
    ("Wijkkrant", "feed", "news", "Wijkkrant Oost"),
    ("Trustpilot De Dolfijnen", "feed", "trustpilot", ""),
    ("Facebook: De Dolfijnen", "feed", "facebook", ""),
    ("Facebook: Ouders zwemles", "feed", "facebook", ""),
    ("Facebook: Buurtgroep", "feed", "facebook", ""),
    ("Instagram #dedolfijnen", "feed", "instagram", ""),
    ("Instagram #zwemles", "feed", "instagram", ""),
    ("X: De Dolfijnen", "feed", "x", ""),
    ("X: #zwemles", "feed", "x", ""),
    ("Mastodon #dolfijnen", "mastodon", "mastodon", ""),
    ("Mastodon #zwemmen", "mastodon", "mastodon", ""),
    ("Reddit r/thenetherlands", "reddit", "reddit", ""),
    ("Reddit r/utrecht", "reddit", "reddit", ""),
    ("Reddit search Dolfijnen", "reddit", "reddit", ""),
    ("YouTube De Dolfijnen", "youtube", "youtube", ""),
    ("YouTube zwemwedstrijden", "youtube", "youtube", ""),
    ("Bluesky #dolfijnen", "bluesky", "bluesky", ""),
    ("LinkedIn De Dolfijnen", "feed", "linkedin", ""),
    ("TikTok #zwemles", "feed", "tiktok", ""),
    ("Google reviews zwembad", "feed", "google_reviews", ""),
    ("Google reviews sporthal", "feed", "google_reviews", ""),
    ("Nieuws gemeente", "feed", "news", "Gemeente Utrecht"),
    ("Sportnieuws regio", "feed", "news", "Sport Utrecht"),
    ("Hand-added mentions", "manual", "other", ""),
]
# "zwemles" is in two titles and one snippet of forty-odd Dutch ones: about 5% of all mentions.
DUTCH_TITLES = [
    "Zwemles van {org} weer afgelast zonder bericht",
    "Geen reactie van {org} op mijn mail over de zwemles",
    "Diplomazwemmen bij {org}: hoe laat begint het?",
    "Geweldig toernooi van {org} met drie clubrecords",
    "Klacht over de contributie bij {org}",
    "Bedankt {org} voor de fijne les",
    "Water veel te koud bij {org}",
    "{org} zoekt vrijwilligers voor de zomerkampen",
    "Waarom heeft {org} de tijden op vrijdag veranderd?",
    "Nieuwe badmeester bij {org} is een aanrader",
    "Geld terug gevraagd bij {org}, nog niets gehoord",
    "Wanneer opent het buitenbad van {org} weer?",
    "Wachtlijst bij {org} is veel te lang",
    "Kleedkamers van {org} zijn vies",
    "Mooie prestatie van de waterpoloploeg van {org}",
    "{org} wint regionale estafette",
    "Parkeren bij het zwembad van {org} is een ramp",
    "Vraag over het lidmaatschap van {org}",
    "{org} organiseert open dag in het zwembad",
    "Trainer van {org} geeft uitstekende begeleiding",
    "Opnieuw storing bij de inschrijving van {org}",
    "Ouders ontevreden over communicatie {org}",
    "Jeugdteam {org} naar de kampioenschappen",
    "Badmeester van {org} redt kind uit het water",
    "Hoeveel kost een jaar zwemmen bij {org}?",
    "Slechte ervaring met de receptie van {org}",
    "{org} viert vijftigjarig jubileum",
    "Nieuwe openingstijden zwembad {org}",
    "Teleurgesteld in het bestuur van {org}",
    "Compliment voor de vrijwilligers van {org}",
    "Zwembad {org} tijdelijk dicht door onderhoud",
    "Klachten over lawaai bij {org}",
    "Wie weet of {org} ook zwemles voor volwassenen geeft?",
    "Record aantal leden voor {org}",
    "Ervaringen met de trainingen van {org}?",
    "Boze reacties op prijsverhoging {org}",
    "{org} start met aquajoggen",
    "Gevonden voorwerpen bij {org}",
    "Zwemvierdaagse bij {org} groot succes",
    "Fijne sfeer bij de wedstrijd van {org}",
]
DUTCH_SNIPPETS = [
    "Ouders zijn boos: de les is weer afgelast zonder dat iemand iets liet weten.",
    "Ik ben echt teleurgesteld, al drie keer geen reactie op mijn mail.",
    "Weet iemand hoe laat het diplomazwemmen zaterdag begint?",
    "Drie clubrecords en een volle tribune, wat een middag!",
    "Mijn klacht over de contributie is nog steeds niet behandeld.",
    "De kinderen hebben genoten van de les vandaag, dank aan de trainers.",
    "Het water was weer veel te koud, nooit meer zo'n ochtend.",
    "Aanmelden als vrijwilliger voor de zomerkampen kan via de site.",
    "Kan iemand uitleggen waarom de tijden op vrijdag zijn veranderd?",
    "De nieuwe badmeester is echt een aanrader voor beginners.",
    "Geld terug gevraagd maar nog niets gehoord, schandalig.",
    "Het buitenbad gaat volgens de gemeente pas in juni weer open.",
    "We staan nu al acht maanden op de wachtlijst voor de zwemles van onze dochter.",
    "De douches waren koud en de vloer was glad, iemand is bijna gevallen.",
    "De waterpoloploeg speelde een ijzersterke wedstrijd tegen de koploper.",
    "Geen plek om te parkeren en de fietsenstalling staat vol.",
    "Is het lidmaatschap per maand opzegbaar of per jaar?",
    "Op de open dag kun je gratis proberen te zwemmen.",
    "De inschrijving lag er weer uit, het formulier gaf een foutmelding.",
    "Communicatie via de app laat te wensen over, berichten komen te laat.",
    "Het jeugdteam heeft zich geplaatst voor de nationale kampioenschappen.",
    "De receptie was onvriendelijk en wist van niets.",
    "Het jubileum wordt gevierd met een feestelijke zwemmarathon.",
    "Het bestuur reageert niet op vragen over de begroting.",
    "Dank aan alle vrijwilligers die de wedstrijd mogelijk maakten.",
    "Door onderhoud aan de filters is het bad twee weken dicht.",
    "Omwonenden klagen over lawaai tijdens de avondtrainingen.",
    "De prijsverhoging van twintig procent valt slecht bij de leden.",
    "Aquajoggen op dinsdagochtend is een succes bij de senioren.",
    "Er ligt een blauwe handdoek en een zwembril bij de gevonden voorwerpen.",
]
DUTCH_TAILS = ["Lees verder op de site.", "Het bestuur reageert morgen.", "Meer nieuws volgt.", "Zie de agenda.", ""]
ENGLISH_TITLES = [
    "Really disappointed with {org}, lesson cancelled again",
    "When does {org} open registration for the summer camp?",
    "Great competition by {org} this weekend",
    "Still waiting for a refund from {org}",
    "{org} announces new opening hours for the indoor pool",
    "Thank you {org} for the patient instructors",
    "Terrible customer service at {org}",
    "Does {org} offer swimming lessons for adults?",
    "{org} water polo team wins the regional cup",
    "Changing rooms at {org} need a proper clean",
    "Lovely atmosphere at the {org} swim meet",
    "Price increase at {org} is hard to swallow",
    "{org} celebrates its fiftieth anniversary",
    "Pool at {org} closed for maintenance",
    "Lifeguard at {org} saves a child",
]
ENGLISH_SNIPPETS = [
    "The lesson was cancelled again and nobody told us anything.",
    "Registration for the summer camp opens next month according to the website.",
    "Three club records and a packed stand, well done to all swimmers!",
    "No response after two weeks, I want my money back.",
    "The indoor pool now opens at seven on weekdays.",
    "The instructors are patient and kind, highly recommend.",
    "Nobody answered the phone and the email bounced.",
    "My partner would like to learn to swim, are there adult classes?",
    "The water was freezing and the showers did not work.",
    "Parking is impossible on Saturday mornings.",
]
ENGLISH_TAILS = ["More details on the website.", "The board will respond tomorrow.", ""]
GERMAN_TITLES = ["Schwimmkurs bei {org} in Utrecht", "Erfahrungen mit {org}?", "Tolles Schwimmbad bei {org}"]
GERMAN_SNIPPETS = ["Wir waren im Urlaub dort und die Kinder hatten viel Spass.", "Das Wasser war leider sehr kalt."]
RARE_SENTENCE = "Er hing een sterke chloorlucht in de kleedkamers."
FIRST_NAMES = [
    "Marieke", "Jan", "Sanne", "Pieter", "Fatima", "Tom", "Lotte", "Ahmed", "Eva", "Daan", "Noor", "Bram",
    "Sophie", "Luuk", "Yasmin", "Ruben", "Emma", "Thijs", "Sara", "Koen", "Anouk", "Mohamed", "Iris", "Joris",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
    "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "el Amrani", "Yilmaz", "Kok", "Jacobs",
]  # fmt: skip
HANDLES = ["zwemmama82", "waterrat_utrecht", "dolfijnfan", "badjuf", "papa_van_3", "sportiefoost", "aquanerd"]
PEOPLE = [("anna", "Anna", "Kuipers"), ("bas", "Bas", "Willems"), ("carla", "Carla", "Verhoeven")]

SEED_SQL = """
INSERT INTO monitoring_mention (
    organisation_id, source_id, canonical_url, url, platform, title, snippet, content_html, author, publisher,
    language, suggested_category, signal_reasons, flags, matched_terms, published_at, fetched_at, added_by_id,
    status, category, ignore_reason, assignee_id, version, entry_key
)
SELECT
    %(organisation)s, source_id, link, link, platform, title, snippet, '<p>' || snippet || '</p>', author,
    publisher, language, suggested,
    (CASE suggested WHEN 'complaint' THEN '["teleurgesteld"]' WHEN 'question' THEN '["weet iemand"]'
        WHEN 'praise' THEN '["bedankt"]' ELSE '[]' END)::jsonb,
    (CASE WHEN r_flag < 0.04 THEN '["fail"]' WHEN r_flag < 0.05 THEN '["threat"]' WHEN r_flag < 0.06 THEN '["abuse"]'
        WHEN r_flag < 0.09 THEN '["repeated_author"]' ELSE '[]' END)::jsonb,
    '["De Dolfijnen"]'::jsonb, published_at, published_at + r_jitter * interval '20 minutes', NULL,
    status,
    CASE WHEN status IN ('triaged', 'in_case') THEN
        CASE WHEN r_confirm < 0.9 THEN suggested ELSE 'other' END ELSE '' END,
    CASE WHEN status = 'ignored' THEN
        (ARRAY['spam', 'not_about_us', 'duplicate', 'no_action'])[1 + floor(r_confirm * 4)::int] ELSE '' END,
    CASE WHEN r_assign < (CASE status WHEN 'ignored' THEN 0.0 WHEN 'new' THEN 0.05 ELSE 0.12 END)
        THEN (%(assignees)s::bigint[])[1 + floor(r_assign * 1000)::int %% cardinality(%(assignees)s::bigint[])]
    END,
    CASE status WHEN 'new' THEN 0 ELSE 1 END,
    ''
FROM (
    SELECT
        (%(source_ids)s::bigint[])[s] AS source_id,
        (%(platforms)s::text[])[s] AS platform,
        (%(publishers)s::text[])[s] AS publisher,
        'https://' || (%(platforms)s::text[])[s] || '.example/' || i AS link,
        language,
        CASE language
            WHEN 'nl' THEN (%(nl_titles)s::text[])[1 + floor(r_title * cardinality(%(nl_titles)s::text[]))::int]
            WHEN 'en' THEN (%(en_titles)s::text[])[1 + floor(r_title * cardinality(%(en_titles)s::text[]))::int]
            ELSE (%(de_titles)s::text[])[1 + floor(r_title * cardinality(%(de_titles)s::text[]))::int]
        END AS title,
        CASE language
            WHEN 'nl' THEN (%(nl_snippets)s::text[])[1 + floor(r_snippet * cardinality(%(nl_snippets)s::text[]))::int]
                || ' ' || CASE WHEN r_tail < %(rare)s THEN %(rare_sentence)s
                    ELSE (%(nl_tails)s::text[])[1 + floor(r_tail * cardinality(%(nl_tails)s::text[]))::int] END
            WHEN 'en' THEN (%(en_snippets)s::text[])[1 + floor(r_snippet * cardinality(%(en_snippets)s::text[]))::int]
                || ' ' || (%(en_tails)s::text[])[1 + floor(r_tail * cardinality(%(en_tails)s::text[]))::int]
            ELSE (%(de_snippets)s::text[])[1 + floor(r_snippet * cardinality(%(de_snippets)s::text[]))::int]
        END AS snippet,
        CASE WHEN (%(platforms)s::text[])[s] = 'news' AND r_author < 0.5 THEN ''
            WHEN r_author < 0.08 THEN ''
            ELSE (%(authors)s::text[])[1 + floor(r_author * cardinality(%(authors)s::text[]))::int]
        END AS author,
        CASE WHEN r_category < 0.25 THEN 'complaint' WHEN r_category < 0.45 THEN 'question'
            WHEN r_category < 0.60 THEN 'praise' ELSE 'other' END AS suggested,
        CASE WHEN r_status < 0.03 THEN 'new' WHEN r_status < 0.58 THEN 'triaged'
            WHEN r_status < %(ignored_until)s THEN 'ignored' ELSE 'in_case' END AS status,
        %(end)s::timestamptz - make_interval(secs => (%(n)s - i) * %(span)s / %(n)s + r_jitter * 1800) AS published_at,
        r_flag, r_confirm, r_assign, r_jitter
    FROM (
        SELECT i, 1 + floor(random() * %(source_count)s)::int AS s,
            CASE WHEN r_language < 0.65 THEN 'nl' WHEN r_language < 0.96 THEN 'en' ELSE 'de' END AS language,
            random() AS r_title, random() AS r_snippet, random() AS r_tail, random() AS r_author,
            random() AS r_category, random() AS r_status, random() AS r_flag, random() AS r_confirm,
            random() AS r_assign, random() AS r_jitter
        FROM (SELECT i, random() AS r_language FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i) AS g
    ) AS picked
) AS row
"""


def log(message: str = "") -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def sql_pools() -> dict[str, Any]:
    org = ORGANISATION
    return {
        "nl_titles": [t.format(org=org) for t in DUTCH_TITLES],
        "en_titles": [t.format(org=org) for t in ENGLISH_TITLES],
        "de_titles": [t.format(org=org) for t in GERMAN_TITLES],
        "nl_snippets": DUTCH_SNIPPETS,
        "en_snippets": ENGLISH_SNIPPETS,
        "de_snippets": GERMAN_SNIPPETS,
        "nl_tails": DUTCH_TAILS,
        "en_tails": ENGLISH_TAILS,
        "rare_sentence": RARE_SENTENCE,
        "authors": [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES] + HANDLES,
    }


@dataclass
class World:
    staff: Any
    superuser: Any
    mentions: int


def world_ensure(count: int, *, cases: int = CASES) -> World:
    """Users, organisation, sources, ``cases`` cases and ``count`` mentions; reused when a kept database has
    them (mentions of other sources, such as feeds polled by another benchmark, don't count)."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import Organisation, User
    from accounts.roles import Role
    from inbox.cases.models import Case
    from monitoring.models import Mention, Source

    def people(organisation: Organisation) -> tuple[User, User, list[int]]:
        """The benchmark's people, all of them working for ``organisation``."""
        mine = {"organisation": organisation}
        staff, _ = User.objects.update_or_create(
            username="bench-staff", defaults={"first_name": "Sam", "last_name": "Staff", **mine}
        )
        staff.groups.add(Group.objects.get(name=Role.STAFF))
        superuser, _ = User.objects.update_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True, **mine}
        )
        assignees = []
        for username, first, last in PEOPLE:
            person, _ = User.objects.update_or_create(
                username=username, defaults={"first_name": first, "last_name": last, **mine}
            )
            person.groups.add(Group.objects.get(name=Role.STAFF))
            assignees.append(person.id)
        return staff, superuser, assignees

    existing = Mention.objects.filter(source__url__startswith=SOURCE_URL).count()
    if existing == count and Case.objects.count() == cases:
        log(f"reusing the {existing:,} mentions already seeded (--keep)")
        staff, superuser, _assignees = people(Organisation.objects.get(name=f"Zwemvereniging {ORGANISATION}"))
        return World(staff, superuser, existing)
    if existing or Mention.objects.exists():
        log(f"$ TRUNCATE the {existing:,} mentions of an earlier run")
        with connection.cursor() as cursor:
            # The people work for the organisation: they go with it, and are made again below.
            cursor.execute("TRUNCATE monitoring_mention, inbox_case, monitoring_source, accounts_organisation CASCADE")

    organisation = Organisation.objects.create(name=f"Zwemvereniging {ORGANISATION}")
    staff, superuser, assignees = people(organisation)
    sources = Source.objects.bulk_create(
        Source(organisation=organisation, name=name, kind=kind, url=f"{SOURCE_URL}{n}.xml")
        for n, (name, kind, _platform, _publisher) in enumerate(SOURCES)
    )
    params = {
        **sql_pools(),
        "organisation": organisation.id,
        "assignees": assignees,
        "source_ids": [s.id for s in sources],
        "platforms": [platform for _n, _k, platform, _p in SOURCES],
        "publishers": [publisher for _n, _k, _pl, publisher in SOURCES],
        "source_count": len(sources),
        "rare": 150 / 650_000,  # of the Dutch mentions
        "end": NOW,
        "span": SPAN.total_seconds(),
        "n": count,
        # Enough mentions in cases for every case to hold one or two.
        "ignored_until": 1 - max(IN_CASE_SHARE, MENTIONS_PER_CASE * cases / count),
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        # Indexes are built once after the rows are in: far faster than keeping nine of them up to date.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'monitoring_mention' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = 'monitoring_mention'::regclass)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        log(f"$ INSERT INTO monitoring_mention ... SELECT FROM generate_series  # {count:,} rows, indexes dropped")
        batch = 100_000
        for start in range(1, count + 1, batch):
            stop = min(start + batch - 1, count)
            cursor.execute(SEED_SQL, {**params, "start": start, "stop": stop})
            log(f"  {stop:,} rows, {time.perf_counter() - started:.0f} s")
        inserted = time.perf_counter()
        log(f"$ CREATE INDEX ... (the {len(indexes)} indexes of monitoring_mention)")
        for name, definition in indexes:
            before = time.perf_counter()
            cursor.execute(definition)
            log(f"  {name}: {time.perf_counter() - before:.1f} s")
        # A rebuilt index forgets its statistics target: set them as the migration does.
        for statement in importlib.import_module("inbox.migrations.0009_search_statistics").FINER:
            cursor.execute(statement)
        indexed = time.perf_counter()
        cases_seed(organisation=organisation, staff=staff, assignees=assignees, count=cases)
        # The mentions in a case, oldest first, shared out over the cases, oldest first: each case gets the
        # next one or two.
        cursor.execute(
            "INSERT INTO inbox_casemention (case_id, mention_id, added_by_id, added_at) "
            "SELECT cases.ids[1 + (m.rank - 1) * cardinality(cases.ids) / m.total], m.id, %s, m.fetched_at "
            "FROM (SELECT id, fetched_at, row_number() OVER (ORDER BY id) AS rank, count(*) OVER () AS total "
            "FROM monitoring_mention WHERE status = 'in_case') AS m, "
            "(SELECT array_agg(id ORDER BY created_at, id) AS ids FROM inbox_case) AS cases",
            [staff.id],
        )
        # What the links keep of their mentions, as the migration that added it fills it in.
        links = importlib.import_module("inbox.cases.migrations.0009_case_mention_keys")
        cursor.execute(links.FILL)
        cursor.execute(links.FIRSTS)
        log("$ VACUUM ANALYZE")
        cursor.execute("VACUUM ANALYZE")
        finished = time.perf_counter()
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('monitoring_mention'))")
        size = cursor.fetchone()[0]
    log(
        f"seeding took {finished - started:.1f} s: rows {inserted - started:.1f} s, "
        f"indexes {indexed - inserted:.1f} s, "
        f"cases and VACUUM ANALYZE {finished - indexed:.1f} s; monitoring_mention with indexes is {size}"
    )
    return World(staff, superuser, count)


def cases_seed(*, organisation: Any, staff: Any, assignees: list[int], count: int) -> None:
    """``count`` cases, one every 8 hours back from NOW (closer together when two years can't hold them all at
    that pace), in the states their age makes likely: the last day's mostly open or acknowledged, the last
    three days' in a private conversation or resolved, the last two weeks' resolved or closed, older ones
    closed; with the time stamps, due times and outcome those states have. Through the model, so that its
    defaults fill the other columns."""
    import random

    from inbox.cases.models import Case
    from inbox.targets import rules
    from inbox.targets.selectors import plan_of

    plan = plan_of(organisation.id)  # the organisation's opening hours and targets (the defaults here)

    rng = random.Random(42)
    step = min(timedelta(hours=8), SPAN / count)
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES] + HANDLES
    day = timedelta(days=1)
    private_or_later = ("private", "resolved", "closed")
    cases = []
    for n in range(1, count + 1):
        created_at = NOW - step * n
        age = NOW - created_at
        reported_at = created_at - timedelta(minutes=rng.randint(10, 360))
        due = rules.due(plan, reported_at)
        pick = rng.random()
        if age < day:
            status = "open" if pick < 0.6 else "acknowledged" if pick < 0.85 else "private"
        elif age < 3 * day:
            status = "acknowledged" if pick < 0.3 else "private" if pick < 0.7 else "resolved"
        elif age < 14 * day:
            status = "resolved" if pick < 0.7 else "closed"
        else:
            status = "closed"
        responded_at = created_at + timedelta(minutes=rng.randint(15, 120))
        resolved_at = min(created_at + timedelta(hours=rng.randint(20, 60)), NOW)
        is_done = status in ("resolved", "closed")
        case = Case(
            organisation=organisation,
            title=rng.choice(DUTCH_TITLES).format(org=ORGANISATION),
            status=status,
            complainant_name=rng.choice(names),
            complainant_platform=rng.choice(SOURCES)[2],
            complainer_type=rng.choice(Case.ComplainerType.values),
            assessment=rng.choice(Case.Assessment.values) if is_done else "",
            priority=rng.choices(Case.Priority.values, weights=[10, 70, 15, 5])[0],
            assignee_id=rng.choice(assignees),
            created_by=staff,
            created_at=created_at,
            reported_at=reported_at,
            first_seen_at=min(reported_at + timedelta(minutes=rng.randint(5, 60)), created_at),
            first_response_due_at=due.first_response_at,
            resolution_due_at=due.resolution_at,
            first_response_risk_at=due.first_response_risk_at,
            resolution_risk_at=due.resolution_risk_at,
            first_response_at=None if status == "open" else min(responded_at, NOW),
            moved_private_at=min(responded_at + timedelta(minutes=30), NOW) if status in private_or_later else None,
            resolved_at=resolved_at if is_done else None,
            closed_at=min(resolved_at + timedelta(days=rng.randint(1, 5)), NOW) if status == "closed" else None,
            resolution_kind=rng.choice(Case.ResolutionKind.values) if is_done else "",
            satisfaction_asked=is_done,
            satisfaction=rng.choice(Case.Satisfaction.values) if is_done else "",
            public_followup_skipped_because="Opgelost in een privégesprek." if status == "closed" else "",
        )
        cases.append(case)
    Case.objects.bulk_create(cases, batch_size=5000)


# The raw-SQL page -------------------------------------------------------------------------------------

RAW_COLUMNS = """
    m.id, m.title, m.snippet, m.url, m.author, m.publisher, m.language, m.platform, m.published_at, m.status,
    m.category, m.suggested_category, m.ignore_reason, m.signal_reasons, m.flags, m.matched_terms,
    s.name, u.username, u.first_name, u.last_name, cm.case_id, m.fetched_at
"""
RAW_FROM = """
FROM monitoring_mention m
JOIN monitoring_source s ON s.id = m.source_id
LEFT JOIN accounts_user u ON u.id = m.assignee_id
LEFT JOIN inbox_casemention cm ON cm.mention_id = m.id
"""
TSQUERY = "(websearch_to_tsquery('dutch'::regconfig, %(q)s) || websearch_to_tsquery('english'::regconfig, %(q)s))"
COUNT_MATCHES = f"SELECT count(*) FROM monitoring_mention m WHERE m.search_document @@ {TSQUERY}"  # noqa: S608
# Best match first (inbox.triage.selectors._search): title matches, then the rest, each newest first; the rest
# only read when the title matches don't fill the page; then the winners' rows, joined.
RAW_IN_TITLE = f"ts_filter(m.search_document, '{{a}}') @@ {TSQUERY}"


@dataclass(frozen=True)
class RawQuery:
    where: str = "TRUE"
    params: dict[str, Any] = field(default_factory=dict)
    search: bool = False

    def sql(self) -> str:
        if self.search:
            newest = f"ORDER BY m.published_at DESC, m.id DESC LIMIT {PAGE_SIZE + 1}"
            matches = f"SELECT m.id, m.published_at FROM monitoring_mention m WHERE m.search_document @@ {TSQUERY}"  # noqa: S608
            first = f"{matches} AND {self.where} AND {RAW_IN_TITLE} {newest}"
            rest = f"{matches} AND {self.where} AND NOT ({RAW_IN_TITLE}) {newest}"
            winners = (
                f"WITH first AS MATERIALIZED ({first}) "  # noqa: S608
                "SELECT id, published_at, 1 AS rank FROM first UNION ALL "
                f"SELECT id, published_at, 0 FROM ({rest}) AS rest "
                f"WHERE (SELECT count(*) FROM first) <= {PAGE_SIZE} "
                f"ORDER BY rank DESC, published_at DESC, id DESC LIMIT {PAGE_SIZE + 1}"
            )
            return (
                f"SELECT {RAW_COLUMNS}, w.rank {RAW_FROM} JOIN ({winners}) AS w ON w.id = m.id "
                "ORDER BY w.rank DESC, m.published_at DESC, m.id DESC"
            )
        return (
            f"SELECT {RAW_COLUMNS} {RAW_FROM} WHERE {self.where} "
            f"ORDER BY m.published_at DESC, m.id DESC LIMIT {PAGE_SIZE + 1}"
        )


def raw_mention(row: tuple[Any, ...]) -> Any:
    """A list row read by hand (``RAW_COLUMNS``, in the order of inbox.triage.selectors.ROW_VALUES, then the rank),
    as the selector hands rows to the template."""
    from inbox.triage.selectors import MentionRow

    # The JSON lists (signal_reasons, flags, matched_terms) come as text, as in the list's own query.
    return MentionRow.from_values(row[:22], row[22] if len(row) > 22 else None)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def raw_rows(query: RawQuery) -> tuple[list[Any], Any]:
    """One hand-written query: the page's rows and the cursor of the next page (None on the last)."""
    from django.db import connection

    from inbox.triage.selectors import Cursor

    with connection.cursor() as cursor:
        cursor.execute(query.sql(), query.params)
        rows = [raw_mention(row) for row in cursor.fetchall()]
    if len(rows) <= PAGE_SIZE:
        return rows, None
    rows = rows[:PAGE_SIZE]
    last = rows[-1]
    return rows, Cursor(published_at=last.published_at, mention_id=last.id, rank=last.rank)


@dataclass
class Scenario:
    name: str
    ours: str  # the inbox URL
    raw: RawQuery
    admin: str | None = None  # the admin changelist URL to compare with
    htmx_target: str | None = None  # sent as an HTMX request aimed at this element
    context: dict[str, Any] = field(default_factory=dict)  # the raw page's template context, less the rows
    template: str = "inbox/inbox.html"


SCENARIOS: dict[str, Scenario] = {}


def raw_page(request: Any, key: str) -> Any:
    """The inbox page with its rows read by one hand-written query: the same middleware and template."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import render

    from inbox.cases.views import people_choices
    from inbox.triage.selectors import MentionPage

    if not request.user.has_perm("monitoring.view_mention"):
        raise PermissionDenied
    scenario = SCENARIOS[key]
    rows, next_cursor = raw_rows(scenario.raw)
    page = MentionPage(mentions=rows, next_cursor=next_cursor, newest_id=max((m.id for m in rows), default=0))  # type: ignore[arg-type]
    context = {**scenario.context, "page": page, "people": people_choices(request.user, fresh=False)}
    return render(request, scenario.template, context)


def raw_context(scenario: Scenario) -> dict[str, Any]:
    """What the inbox view puts beside the rows, worked out once from the scenario's URL."""
    from django.http import QueryDict

    from inbox.triage.forms import SAVED_VIEWS, MentionFilterForm
    from monitoring.models import Mention

    form = MentionFilterForm(QueryDict(scenario.ours.partition("?")[2]))
    if not form.is_valid():
        raise SystemExit(f"{scenario.ours}: {form.error_text()}")
    return {
        "filters": form.filters(),
        "current_view": form.current_view(),
        "saved_views": [(key, label) for key, (label, _values) in SAVED_VIEWS.items()],
        "list_query": form.query().urlencode(),
        "ignore_reasons": Mention.IgnoreReason.choices,
        "category_choices": Mention.Category.choices,
        "search_ranks": True,
    }


def rows_forgotten(run: Callable[[], Any]) -> Callable[[], Any]:
    """``run`` with the list's row memo emptied first: every row is rendered as if never shown before."""
    from inbox.triage.templatetags import inbox_tags

    def cold() -> Any:
        inbox_tags._ROW_MEMO.clear()
        return run()

    return cold


def rows_only(scenario: Scenario, user: Any) -> Callable[[], str]:
    """The floor: the hand-written query and 50 rows through the ``mention_rows`` tag, no request around it."""
    from django.contrib.auth.context_processors import PermWrapper
    from django.template import engines

    template = engines["django"].from_string("{% load inbox_tags %}{% mention_rows mentions %}")
    context = {**scenario.context, "perms": PermWrapper(user)}

    def run() -> str:
        rows, _cursor = raw_rows(scenario.raw)
        return template.render({**context, "mentions": rows})

    return run


# Measuring --------------------------------------------------------------------------------------------


@dataclass
class Timing:
    samples: list[float]
    query_counts: list[int]

    @property
    def queries(self) -> int:
        """The number of queries most requests ran (the people list, cached a minute, adds one now and then)."""
        return max(set(self.query_counts), key=self.query_counts.count)

    @property
    def queries_text(self) -> str:
        most, highest = self.queries, max(self.query_counts)
        return f"{most} ({highest} max)" if highest != most else str(most)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] * 1000

    @property
    def p50(self) -> float:
        return self.percentile(0.50)

    @property
    def p95(self) -> float:
        return self.percentile(0.95)

    @property
    def max(self) -> float:
        return max(self.samples) * 1000


def row_ids(html: str) -> list[int]:
    return [int(value) for value in re.findall(r'data-mention-row data-id="(\d+)"', html)]


def get(client: Any, url: str, htmx_target: str | None = None) -> Callable[[], Any]:
    headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}

    def run() -> Any:
        return client.get(url, headers=headers)

    return run


def checked(request: Callable[[], Any], label: str, *, show_queries: bool) -> tuple[str, list[str]]:
    """One request outside the clock, failing on anything but 200: its HTML and its SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = request()
    if response.status_code != 200:
        raise SystemExit(f"{label}: HTTP {response.status_code}")
    if show_queries:
        for query in queries:
            log(f"    {query['sql'][:150]}")
    return response.content.decode(), [query["sql"] for query in queries]


def list_query_explained(queries: list[str], *, show_plan: bool) -> float:
    """EXPLAIN (ANALYZE, BUFFERS) of the page's list query (the one over monitoring_mention): its time in ms."""
    from django.db import connection

    sql = next(query for query in queries if 'FROM "monitoring_mention"' in query)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        plan = _json(cursor.fetchone()[0])[0]
        if show_plan:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            log("\n".join(f"    {line}" for (line,) in cursor.fetchall()))
    return float(plan["Planning Time"] + plan["Execution Time"])


class QueryCounter:
    """Counts the SQL queries of each request; cheaper than the debug cursor, so it can run on the clock."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def timed(
    runs: list[Callable[[], Any]], *, count: int, warmup: int, budget: float
) -> tuple[list[list[float]], list[list[int]]]:
    """Each of ``runs`` up to ``count`` times, taking turns so that all of them see the same machine.

    Stops early, after at least a tenth of ``count`` turns, once ``budget`` seconds have gone by.
    Returns the seconds and the number of SQL queries of every request.
    """
    from django.db import connection

    for _ in range(warmup):
        for run in runs:
            run()
    gc.collect()
    samples: list[list[float]] = [[] for _ in runs]
    queries: list[list[int]] = [[] for _ in runs]
    counter = QueryCounter()
    deadline = time.perf_counter() + budget
    with connection.execute_wrapper(counter):
        for turn in range(count):
            for run, taken, counted in zip(runs, samples, queries, strict=True):
                counter.count = 0
                started = time.perf_counter()
                run()
                taken.append(time.perf_counter() - started)
                counted.append(counter.count)
            if turn >= count // 10 and time.perf_counter() > deadline:
                break
    return samples, queries


@dataclass
class Result:
    scenario: Scenario
    ours: Timing
    raw: Timing
    rows: Timing
    admin: Timing | None
    list_sql_ms: float = 0.0  # EXPLAIN ANALYZE of our list query, planning and execution
    cold: Timing | None = None  # ours with every row rendered afresh (the row memo emptied first)


def scenarios_build(count: int) -> list[Scenario]:
    """The pages measured; the deep page's cursor comes from SQL (the last row of the page before it)."""
    from django.db import connection
    from django.utils.http import urlencode

    from inbox.triage.selectors import Cursor

    deep = min(DEEP_PAGE, max(2, -(-count // PAGE_SIZE)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT published_at, id FROM monitoring_mention ORDER BY published_at DESC, id DESC OFFSET %s LIMIT 1",
            [(deep - 1) * PAGE_SIZE - 1],
        )
        deep_at, deep_id = cursor.fetchone()
        cursor.execute(
            "SELECT published_at, id FROM monitoring_mention WHERE status = 'new' "
            "ORDER BY published_at DESC, id DESC OFFSET %s LIMIT 1",
            [PAGE_SIZE - 1],
        )
        second_at, second_id = cursor.fetchone()
    deep_cursor = str(Cursor(published_at=deep_at, mention_id=deep_id))
    second_cursor = str(Cursor(published_at=second_at, mention_id=second_id))
    after = "(m.published_at, m.id) < (%(at)s, %(id)s)"
    filtered = (
        "m.status = 'triaged' AND (m.category = 'complaint' OR (m.category = '' "
        "AND m.suggested_category = 'complaint')) AND m.platform = 'forum'"
    )
    return [
        Scenario("default view (New)", "/inbox/", RawQuery("m.status = 'new'"), admin="/admin/monitoring/mention/"),
        Scenario(
            "filtered: triaged complaints on forums",
            "/inbox/?status=triaged&category=complaint&platform=forum",
            RawQuery(filtered),
            admin="/admin/monitoring/mention/?suggested_category__exact=complaint&platform__exact=forum",
        ),
        Scenario(
            f"page {deep} of everything",
            "/inbox/?" + urlencode({"view": "all", "before": deep_cursor}),
            RawQuery(after, {"at": deep_at, "id": deep_id}),
            # The admin shows 100 rows a page: its page at the same depth, OFFSET and all.
            admin=f"/admin/monitoring/mention/?p={(deep - 1) * PAGE_SIZE // ADMIN_PAGE_SIZE + 1}",
        ),
        Scenario(
            f'search "{COMMON_TERM}" (common)',
            "/inbox/?" + urlencode({"q": COMMON_TERM}),
            RawQuery(params={"q": COMMON_TERM}, search=True),
            admin="/admin/monitoring/mention/?" + urlencode({"q": COMMON_TERM}),
        ),
        Scenario(
            f'search "{COMMON_TERM}", newest first',
            "/inbox/?" + urlencode({"q": COMMON_TERM, "sort": "newest"}),
            RawQuery(f"m.search_document @@ {TSQUERY}", {"q": COMMON_TERM}),
        ),
        Scenario(
            f'search "{RARE_TERM}" (rare)',
            "/inbox/?" + urlencode({"q": RARE_TERM}),
            RawQuery(params={"q": RARE_TERM}, search=True),
            admin="/admin/monitoring/mention/?" + urlencode({"q": RARE_TERM}),
        ),
        Scenario(
            "HTMX: New, next 50 rows",
            "/inbox/?" + urlencode({"before": second_cursor}),
            RawQuery(f"m.status = 'new' AND {after}", {"at": second_at, "id": second_id}),
            htmx_target="mention-more",
            template="inbox/inbox.html#mention-more",
        ),
    ]


def run_scenarios(
    world: World,
    *,
    requests: int,
    admin_requests: int,
    warmup: int,
    budget: float,
    show_queries: bool,
    show_plan: bool,
) -> list[Result]:
    from django.db import connection
    from django.test import Client

    ours_client = Client(raise_request_exception=True)
    ours_client.force_login(world.staff)
    admin_client = Client(raise_request_exception=True)
    admin_client.force_login(world.superuser)
    with connection.cursor() as cursor:
        cursor.execute(COUNT_MATCHES, {"q": COMMON_TERM})
        common = cursor.fetchone()[0]
        cursor.execute(COUNT_MATCHES, {"q": RARE_TERM})
        rare = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM monitoring_mention WHERE status = 'new'")
        new = cursor.fetchone()[0]
    log(f"{new:,} mentions are new; {common:,} match {COMMON_TERM!r}, {rare:,} match {RARE_TERM!r}")

    results = []
    for scenario in scenarios_build(world.mentions):
        key = f"s{len(SCENARIOS)}"
        SCENARIOS[key] = scenario
        scenario.context = raw_context(scenario)
        ours = get(ours_client, scenario.ours, scenario.htmx_target)
        raw = get(ours_client, f"/bench/raw/{key}/", scenario.htmx_target)
        floor = rows_only(scenario, world.staff)
        log(f"\n{scenario.name}\n  ours:  GET {scenario.ours}" + (" (HTMX)" if scenario.htmx_target else ""))
        ours_html, ours_sql = checked(ours, "ours", show_queries=show_queries)
        raw_html, _sql = checked(raw, "raw page", show_queries=show_queries)
        ours_ids, raw_ids = row_ids(ours_html), row_ids(raw_html)
        if ours_ids != raw_ids or not ours_ids:
            raise SystemExit(f"The raw query shows other rows than the inbox: {ours_ids[:5]}... {raw_ids[:5]}...")
        log(f"  raw:   GET /bench/raw/{key}/  ({len(ours_ids)} rows, the same ids as ours)")
        runs = [ours, raw, floor, rows_forgotten(ours)]
        times, queries = timed(runs, count=requests, warmup=warmup, budget=budget)
        result = Result(
            scenario,
            Timing(times[0], queries[0]),
            Timing(times[1], queries[1]),
            Timing(times[2], queries[2]),
            None,
            list_query_explained(ours_sql, show_plan=show_plan),
            Timing(times[3], queries[3]),
        )
        log(
            f"  {len(times[0])} requests each: ours p50 {result.ours.p50:.1f} ms (rows never shown before: "
            f"{result.cold.p50:.1f} ms), raw page {result.raw.p50:.1f} ms, rows only {result.rows.p50:.1f} ms; "
            f"our list query {result.list_sql_ms:.1f} ms in PostgreSQL"
        )
        if scenario.admin and admin_requests:
            admin = get(admin_client, scenario.admin)
            log(f"  admin: GET {scenario.admin}")
            checked(admin, "admin", show_queries=show_queries)[0]
            times, queries = timed([admin], count=admin_requests, warmup=min(warmup, 2), budget=budget)
            result.admin = Timing(times[0], queries[0])
            log(f"  {len(times[0])} requests: admin p50 {result.admin.p50:.1f} ms")
        results.append(result)
    return results


def verdict(is_met: bool) -> str:
    return "PASS" if is_met else "MISS"


def table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for number, row in enumerate(rows):
        log("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            log("  ".join("-" * width for width in widths))


HEADER: tuple[str, ...] = ("scenario", "ours", "q", "ours, new rows", "admin", "q", "raw page", "q")
HEADER += ("rows only p50", "list SQL")
HEADER += ("admin/ours", "ours/raw", "ours/rows")


def report(results: list[Result]) -> None:
    log(
        "\nserver time in ms (p50 / p95 / max), SQL queries per request; list SQL: our list query's planning and "
        "execution time in ms (EXPLAIN ANALYZE, once)"
    )
    rows: list[tuple[str, ...]] = [HEADER]
    for r in results:
        admin = r.admin
        rows.append(
            (
                r.scenario.name,
                f"{r.ours.p50:.1f} / {r.ours.p95:.1f} / {r.ours.max:.0f}",
                r.ours.queries_text,
                f"{r.cold.p50:.1f} / {r.cold.p95:.1f} / {r.cold.max:.0f}" if r.cold else "-",
                f"{admin.p50:.0f} / {admin.p95:.0f} / {admin.max:.0f}" if admin else "-",
                admin.queries_text if admin else "-",
                f"{r.raw.p50:.1f} / {r.raw.p95:.1f} / {r.raw.max:.0f}",
                r.raw.queries_text,
                f"{r.rows.p50:.1f}",
                f"{r.list_sql_ms:.1f}",
                f"{admin.p50 / r.ours.p50:.1f}x" if admin else "-",
                f"{r.ours.p50 / r.raw.p50:.2f}x",
                f"{r.ours.p50 / r.rows.p50:.1f}x",
            )
        )
    table(rows)
    log(
        f"\ntargets: p50 <= {P50_MS:g} ms, p95 <= {P95_MS:g} ms, >= {ADMIN_SPEEDUP:g}x faster than the admin (p50), "
        f"<= {RAW_RATIO:g}x the raw-SQL page (p50), <= {MAX_QUERIES} queries"
    )
    rows = [("scenario", "p50", "p95", "vs admin", "vs raw page", "queries", "p50, new rows", "p95, new rows")]
    for r in results:
        admin = r.admin
        rows.append(
            (
                r.scenario.name,
                verdict(r.ours.p50 <= P50_MS),
                verdict(r.ours.p95 <= P95_MS),
                verdict(admin.p50 >= ADMIN_SPEEDUP * r.ours.p50) if admin else "-",
                verdict(r.ours.p50 <= RAW_RATIO * r.raw.p50),
                verdict(r.ours.queries <= MAX_QUERIES),
                verdict(r.cold.p50 <= P50_MS) if r.cold else "-",
                verdict(r.cold.p95 <= P95_MS) if r.cold else "-",
            )
        )
    table(rows)


# The database -----------------------------------------------------------------------------------------


@contextmanager
def bench_database(*, keep: bool) -> Iterator[str]:
    """The migrated database test_<NAME>: fresh and dropped afterwards, or kept between runs with --keep."""
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    log(f"$ {'create (or reuse)' if keep else 'create'} database test_{old_name} and migrate (django create_test_db)")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    try:
        yield name
    finally:
        connection.close()
        if keep:
            log(f"kept database {name} (--keep); drop it with: dropdb {name}")
        else:
            log(f"$ drop database {name} (django destroy_test_db)")
            connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario (ours and raw)")
    parser.add_argument("--admin-requests", type=int, default=20, help="timed admin requests per scenario (0: none)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests before each scenario")
    parser.add_argument("--budget", type=float, default=60, help="seconds a scenario's timed requests may take")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of each page once")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of our list queries")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for the next run")
    args = parser.parse_args()
    if args.mentions < 2 * PAGE_SIZE:
        raise SystemExit(f"--mentions must be at least {2 * PAGE_SIZE}")

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    sys.path.insert(0, str(ROOT))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still drops the database

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.urls import clear_url_caches, include, path

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL).")
    # As in production: no query log, no template debug information; the test client's host allowed.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    urls = types.ModuleType("bench_inbox_urls")
    urls.urlpatterns = [path("bench/raw/<str:key>/", raw_page), path("", include(settings.ROOT_URLCONF))]  # type: ignore[attr-defined]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    clear_url_caches()

    log(f"$ {Path(sys.executable).name} {' '.join(sys.argv)}")
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    log(f"this machine's Python speed: 10 million additions in a loop take {time.perf_counter() - started:.2f} s")
    log(
        f"machine: {os.cpu_count()} cores, load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}; "
        f"Python {sys.version.split()[0]}; cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    with bench_database(keep=args.keep):
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            log(f"database: {cursor.fetchone()[0].split(' on ')[0]}")
        world = world_ensure(args.mentions)
        results = run_scenarios(
            world,
            requests=args.requests,
            admin_requests=args.admin_requests,
            warmup=args.warmup,
            budget=args.budget,
            show_queries=args.show_queries,
            show_plan=args.explain,
        )
    report(results)


if __name__ == "__main__":
    main()
