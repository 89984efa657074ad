"""Three months of the demo club's webcare, so that the reports have something to show: some 120 mentions on
several platforms and 40 complaint cases handled in the club's opening hours (mostly answered within the hour, some
late, solved in one to three days, some waiting on the complainant, some reopened), with the time stamps and
durations the services would have written (``case_due_set``, ``case_durations_set``). Written in a few bulk
inserts; the same seed gives the same history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Organisation, User
from inbox.cases.due import case_due_set, case_durations_set
from inbox.cases.models import Case, CaseEvent, CaseMention, ImprovementAction, RemovalRequest
from inbox.targets import clock
from inbox.targets.selectors import plan_of
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention, Source

HISTORY_URL = "https://demo.dedolfijnen.example/history/"
DAYS, MENTIONS, CASES = 90, 120, 40

COMPLAINTS = [
    "Weer geen badmeester bij het vrij zwemmen",
    "Zwemles al twee keer uitgevallen zonder bericht",
    "Kleedkamers zijn vies en koud",
    "Contributie dubbel afgeschreven",
    "Niemand neemt de telefoon op",
    "Wachtlijst voor zwemles is onduidelijk",
    "Douches weer kapot na de training",
    "Trainer schreeuwde tegen mijn dochter",
    "Parkeerplaats vol door een toernooi, niet aangekondigd",
    "Diploma-zwemmen verplaatst zonder overleg",
]
OTHERS = [
    ("praise", "Wat een leuke clubkampioenschappen!"),
    ("praise", "Dank aan de vrijwilligers van de zwemvierdaagse"),
    ("question", "Kan ik een proefles aanvragen?"),
    ("question", "Hoe laat begint het banenzwemmen op zaterdag?"),
    ("other", "Uitslagen van de regiowedstrijd staan online"),
    ("other", "Artikel over de nieuwe overkapping van het bad"),
]
PLATFORMS = [Platform.FACEBOOK, Platform.FORUM, Platform.GOOGLE_REVIEWS, Platform.INSTAGRAM, Platform.NEWS, Platform.X]


def demo_history_exists(organisation: Organisation) -> bool:
    return Mention.objects.filter(organisation=organisation, canonical_url__startswith=HISTORY_URL).exists()


def demo_history_seed(*, organisation: Organisation, now: datetime | None = None) -> int:
    """Seed the history (the caller holds the transaction and checks ``demo_history_exists`` first). Returns
    how many cases it made."""
    now = now or timezone.now()
    rng = random.Random(20260301)  # noqa: S311 -- demo data, not a secret
    plan = plan_of(organisation.id)
    sources = list(Source.objects.filter(organisation=organisation).order_by("id"))
    staff, manager = User.objects.get(username="staff"), User.objects.get(username="manager")
    start = now - timedelta(days=DAYS)
    moments = sorted(start + timedelta(seconds=rng.uniform(0, (DAYS * 24 - 3) * 3600)) for _ in range(MENTIONS))
    complaint_at = set(rng.sample(range(MENTIONS), CASES))
    mentions = []
    for number, published_at in enumerate(moments):
        is_complaint = number in complaint_at
        category, title = ("complaint", rng.choice(COMPLAINTS)) if is_complaint else rng.choice(OTHERS)
        is_recent = now - published_at < timedelta(days=2)
        status = Mention.Status.IN_CASE if is_complaint else Mention.Status.NEW if is_recent else Mention.Status.TRIAGED
        mentions.append(
            Mention(
                organisation=organisation,
                source=sources[number % len(sources)],
                url=f"{HISTORY_URL}{number}",
                canonical_url=f"{HISTORY_URL}{number}",
                platform=rng.choice(PLATFORMS),
                title=title,
                snippet=title,
                author=f"Lid {number}",
                language="nl",
                suggested_category=category,
                category="" if status == Mention.Status.NEW else category,
                status=status,
                published_at=published_at,
                fetched_at=published_at + timedelta(minutes=rng.choice([3, 8, 15, 30, 55, 90])),
            )
        )
    Mention.objects.bulk_create(mentions)
    in_case = [mention for mention in mentions if mention.status == Mention.Status.IN_CASE]
    # The last few are still being handled: in a private conversation, some waiting on the complainant.
    cases = [
        _case(rng, plan, mention, now, handler=staff if n % 3 else manager, opener=staff, is_running=n >= CASES - 6)
        for n, mention in enumerate(in_case)
    ]
    Case.objects.bulk_create(cases)
    CaseMention.objects.bulk_create(
        CaseMention.of(case, mention, added_by=staff, added_at=case.created_at)
        for case, mention in zip(cases, in_case, strict=True)
    )
    _afterwards(rng, cases, staff, manager)
    return len(cases)


def _case(
    rng: random.Random, plan: object, mention: Mention, now: datetime, *, handler: User, opener: User, is_running: bool
) -> Case:
    schedule = plan.schedule  # type: ignore[attr-defined]
    found = mention.fetched_at
    case = Case(
        organisation_id=mention.organisation_id,
        title=mention.title,
        complainant_name=mention.author,
        complainant_platform=mention.platform,
        complainer_type=rng.choice(Case.ComplainerType.values),
        priority=rng.choice(["normal", "normal", "normal", "high", "low"]),
        tags=rng.choice(["", "zwemles", "accommodatie", "contributie, administratie", "trainers"]),
        assignee=handler,
        created_by=opener,
        reported_at=mention.published_at,
        first_seen_at=found,
        created_at=found + timedelta(minutes=rng.randint(1, 10)),
        status=Case.Status.OPEN,
    )
    case_due_set(case, plan=plan, signals=("complaint", ()))  # type: ignore[arg-type]
    # Answered in the opening hours: mostly within the hour of open time after it was found, one in six late.
    answer_in = timedelta(minutes=rng.randint(90, 300) if rng.random() < 1 / 6 else rng.randint(8, 55))
    answered = clock.add(schedule, found, answer_in)
    if answered > now:
        return case
    case.first_response_at, case.status = answered, Case.Status.ACKNOWLEDGED
    if rng.random() < 0.6:
        case.status, case.moved_private_at = Case.Status.PRIVATE, answered + timedelta(minutes=rng.randint(5, 60))
    # Solved after one to three days of opening hours (the club is open four hours an evening).
    solved = clock.add(schedule, answered, timedelta(hours=rng.randint(3, 12)))
    if solved > now or is_running:
        if rng.random() < 0.5:
            case.status, case.waiting_since = Case.Status.PRIVATE, min(now, answered + timedelta(hours=2))
        case_durations_set(case, plan=plan)  # type: ignore[arg-type]
        return case
    case.status, case.resolved_at = Case.Status.RESOLVED, solved
    case.resolution_kind = rng.choice(Case.ResolutionKind.values)
    case.satisfaction_asked = rng.random() < 0.6
    if case.satisfaction_asked:
        case.satisfaction = rng.choice(["satisfied", "satisfied", "satisfied", "no_answer"])
    closed = solved + timedelta(hours=rng.randint(2, 48))
    if closed < now:
        case.status, case.closed_at = Case.Status.CLOSED, closed
        if rng.random() < 0.7:
            case.public_followup_url = f"{mention.url}#reactie"
        else:
            case.public_followup_skipped_because = "Afgehandeld in een privébericht."
    case_durations_set(case, plan=plan)  # type: ignore[arg-type]
    return case


def _afterwards(rng: random.Random, cases: list[Case], staff: User, manager: User) -> None:
    """Their history rows (opened; a few reopened), a few removal requests and improvements."""
    events = [
        CaseEvent(case=case, actor=case.created_by, action="opened", to_value=case.title, created_at=case.created_at)
        for case in cases
    ]
    closed = [case for case in cases if case.status == Case.Status.CLOSED]
    for case in rng.sample(closed, min(3, len(closed))):
        assert case.resolved_at is not None
        at = case.resolved_at - timedelta(hours=1)
        events.append(CaseEvent(case=case, actor=staff, action="reopened", from_value="resolved", created_at=at))
    CaseEvent.objects.bulk_create(events)
    RemovalRequest.objects.bulk_create(
        RemovalRequest(case=case, reason=reason, platform=case.complainant_platform, requested_by=manager,
                       requested_at=case.created_at + timedelta(hours=1), outcome=outcome)
        for case, reason, outcome in zip(rng.sample(cases, 2), ["abuse", "not_a_customer"], ["removed", "refused"],
                                         strict=True)
    )  # fmt: skip
    ImprovementAction.objects.bulk_create(
        ImprovementAction(case=case, description=description, owner=manager, state=state, created_at=case.created_at)
        for case, description, state in zip(
            rng.sample(closed or cases, 3),
            ["Lesrooster online zetten", "Vast telefoonuur op dinsdag", "Verwarming kleedkamers laten nakijken"],
            ["done", "in_progress", "open"],
            strict=True,
        )
    )
