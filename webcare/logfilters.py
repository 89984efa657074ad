"""Filters for the log (``settings.LOGGING``)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """A refused page (403) is logged as one line: a refusal is an answer, not a fault in the code, and
    its traceback only hides the log lines that matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
