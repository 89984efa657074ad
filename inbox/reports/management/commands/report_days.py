"""``manage.py report_days``: count the mentions per day again, after ``TIME_ZONE`` changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation
from inbox.reports import days


class Command(BaseCommand):
    help = (
        "Count the mentions per day again (the table the report reads on PostgreSQL), for every organisation or "
        "the ones named: needed after TIME_ZONE changed, for organisations without a time zone of their own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, action="append", help="Its id; repeat for several.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not days.kept():
            self.stdout.write("This database counts the mentions themselves: nothing to do.")
            return
        organisations = Organisation.objects.order_by("id")
        if options["organisation"]:
            organisations = organisations.filter(id__in=options["organisation"])
            missing = set(options["organisation"]) - set(organisations.values_list("id", flat=True))
            if missing:
                raise CommandError(f"No organisation with id {', '.join(map(str, sorted(missing)))}.")
        for organisation in organisations:
            days.days_rebuild(organisation.id)
            self.stdout.write(f"{organisation.name}: counted again.")
