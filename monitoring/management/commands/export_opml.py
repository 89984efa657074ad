from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.selectors import organisation_current
from monitoring.models import Source
from monitoring.opml import Outline, opml_write


class Command(BaseCommand):
    help = "Write every polled source as an OPML file to standard output."

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_current()
        sources = Source.objects.exclude(kind=Source.Kind.MANUAL).order_by("name")
        if organisation is not None:
            sources = sources.filter(organisation=organisation)
        outlines = [Outline(url=s.url, title=s.name, kind=s.kind) for s in sources]
        title = f"Webcare Inbox: {organisation.name}" if organisation else "Webcare Inbox"
        self.stdout.write(opml_write(outlines, title=title).decode(), ending="\n")
