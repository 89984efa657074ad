from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import Organisation, User
from monitoring.models import Mention, Source

PASSWORD = "a-Long-test-passphrase-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = "Zwemvereniging De Dolfijnen"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if extracted:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Source {n}")
    kind = Source.Kind.FEED
    url = factory.Sequence(lambda n: f"https://feeds.example.org/{n}.xml")


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    source = factory.SubFactory(SourceFactory)
    organisation = factory.LazyAttribute(lambda m: m.source.organisation)
    url = factory.Sequence(lambda n: f"https://news.example.org/{n}")
    canonical_url = factory.LazyAttribute(lambda m: m.url)
    title = factory.Sequence(lambda n: f"Mention number {n}")
    snippet = "Somebody wrote about the club."
    published_at = factory.LazyFunction(timezone.now)
    fetched_at = factory.LazyFunction(timezone.now)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case without mentions; tests of the workflow open cases from a mention with ``case_open``."""

    class Meta:
        model = "cases.Case"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Complaint {n}")
    complainant_name = "Karin"
    created_by = factory.SubFactory(UserFactory)
    assignee = factory.LazyAttribute(lambda c: c.created_by)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Reply"

    case = factory.SubFactory(CaseFactory)
    channel = "public"
    text = "Thank you for telling us; we are looking into it."
    author = factory.LazyAttribute(lambda r: r.case.created_by)
