"""E-mail about sources: the board is told when polling paused one."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from monitoring.models import Source

logger = logging.getLogger(__name__)


def source_paused_notify(*, source_id: int) -> int:
    """E-mail the board that a source was paused. Returns how many people were told."""
    source = Source.objects.select_related("organisation").get(id=source_id)
    recipients = list(
        User.objects.filter(groups__name=Role.BOARD, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        logger.warning("Source %s was paused but no board member has an e-mail address.", source_id)
        return 0
    subject = _("Webcare Inbox paused the source “%(name)s”") % {"name": source.name}
    body = _(
        "The source “%(name)s” (%(url)s) failed %(count)d times in a row and is paused, so nothing new is "
        "found through it.\n\n%(reason)s\n\nCheck the address, then resume the source on the source-health page."
    ) % {"name": source.name, "url": source.url, "count": source.consecutive_failures, "reason": source.paused_reason}
    send_mail(subject, body, None, recipients)
    return len(recipients)
