from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.services import organisation_rename


class Command(BaseCommand):
    help = "Set the name of the organisation this install watches (creates it the first time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation, created = organisation_rename(name=options["name"])
        self.stdout.write(f"{'Created' if created else 'Renamed'} organisation {organisation.name!r}.")
