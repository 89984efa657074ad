from __future__ import annotations

from datetime import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.services import organisation_ensure, user_save_with_role
from inbox.management.commands.demo_history import demo_history_exists, demo_history_seed
from inbox.targets.services import targets_defaults_set
from inbox.team.services import organisation_roster_set
from monitoring.models import Source
from monitoring.services.sources import source_create

DEMO_ORGANISATION = "Zwemvereniging De Dolfijnen"
DEMO_USERS = [("board", Role.BOARD), ("manager", Role.MANAGER), ("staff", Role.STAFF)]
DEMO_SOURCES = [
    ("google-alerts", Source.Kind.GOOGLE_ALERTS, 'Google Alert: "De Dolfijnen"'),
    ("ouderforum", Source.Kind.FEED, "Ouderforum Oost"),
]
# A sports club is open evenings and Saturday mornings: its response times count those hours.
DEMO_OPENING_HOURS = [*((day, time(18), time(22)) for day in range(5)), (5, time(8), time(14))]


class Command(BaseCommand):
    help = (
        "Create the demo organisation, one user per role, the demo feed sources and three months of mentions and "
        "cases, once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where this app is served; the demo sources fetch their feeds from it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = options["base_url"].rstrip("/")
        with transaction.atomic():
            organisation, created = organisation_ensure(name=DEMO_ORGANISATION)
            if not created:
                # A demo made before it had a history gets one, once.
                if not demo_history_exists(organisation) and User.objects.filter(username="staff").exists():
                    demo_history_seed(organisation=organisation)
                self.stdout.write(f"Demo data is already there ({organisation.name}).")
                return
            passwords = []
            for username, role in DEMO_USERS:
                if User.objects.filter(username=username).exists():
                    continue
                # An address at a reserved domain: `make run` prints their e-mail (the console backend).
                saved = user_save_with_role(username=username, role=role, email=f"{username}@dedolfijnen.example")
                passwords.append((username, role, saved.generated_password))
            for name, kind, label in DEMO_SOURCES:
                url = base_url + reverse("monitoring:demo-feed", args=[name])
                source_create(organisation=organisation, name=label, kind=kind, url=url, actor=None)
            # The board's appointments: the staff member answers for the club, the manager stands in.
            board = User.objects.get(username="board")
            organisation_roster_set(
                actor=board,
                organisation=organisation,
                owner_id=User.objects.get(username="staff").id,
                deputy_id=User.objects.get(username="manager").id,
                contact_phone="010 123 45 67",
                contact_email="webcare@dedolfijnen.example",
            )
            targets_defaults_set(organisation=organisation, blocks=DEMO_OPENING_HOURS)
            cases = demo_history_seed(organisation=organisation)
        self.stdout.write(self.style.SUCCESS(f"Demo organisation: {organisation.name}"))
        self.stdout.write(f"With three months of mentions and {cases} cases, for the reports.")
        self.stdout.write("Sign in with one of these accounts (shown only now; change them after signing in):")
        for username, role, password in passwords:
            self.stdout.write(f"  {username:<10} {role.label!s:<14} password: {password}")
        self.stdout.write("Forgot one? python manage.py create_user USERNAME --role ROLE --password NEW-PASSWORD")
