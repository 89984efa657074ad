#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError:
        from webcare.dbcheck import database_problem

        problem = database_problem()
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
