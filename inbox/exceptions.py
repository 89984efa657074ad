from __future__ import annotations

from datetime import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _


class InboxError(Exception):
    """Base class for what people cannot do in the inbox; the message is for them, in plain words."""

    def __init__(self, message: str, *, mention_id: int | None = None) -> None:
        self.mention_id = mention_id
        super().__init__(message)


class MentionNotFound(InboxError):
    def __init__(self, mention_id: int) -> None:
        super().__init__(_("This mention does not exist, or you may not see it."), mention_id=mention_id)


class MentionChanged(InboxError):
    """Somebody changed the mention after this screen was shown: nothing was overwritten."""

    def __init__(self, mention_id: int, *, by: str, what: str, at: datetime | None) -> None:
        self.by = by
        self.what = what
        self.at = at
        when = date_format(localtime(at), "TIME_FORMAT") if at else ""
        super().__init__(
            _("Already handled by %(person)s (%(what)s, %(when)s). Nothing was changed; look again and decide.")
            % {"person": by, "what": what, "when": when},
            mention_id=mention_id,
        )


class CaseNotFound(InboxError):
    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        super().__init__(_("This case does not exist, or you may not see it."))


class CaseChanged(InboxError):
    """Somebody changed the case after this screen was shown: nothing was overwritten."""

    def __init__(self, case_id: int, *, by: str, what: str, at: datetime | None) -> None:
        self.case_id = case_id
        when = date_format(localtime(at), "TIME_FORMAT") if at else ""
        super().__init__(
            _(
                "%(person)s changed this case meanwhile (%(what)s, %(when)s). "
                "Nothing was changed; look again and decide."
            )
            % {"person": by, "what": what, "when": when}
        )


class CaseRefused(InboxError):
    """The step does not fit the case's state, or the person may not take it."""


class TriageRefused(InboxError):
    """The change does not fit the mention's state, e.g. ignoring a mention that is in a case."""


class NothingToUndo(InboxError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("There is nothing of yours to undo."))


class TeamRefused(InboxError):
    """A change to who answers for the organisation that does not fit, or that the person may not make."""


class TargetsRefused(InboxError):
    """A change to the opening hours or targets that does not fit (overlapping hours), or that the person may not
    make."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field  # the form field the message belongs at; None: the form as a whole
        super().__init__(message)
