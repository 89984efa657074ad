"""A start-up check that turns an unreachable database into one plain sentence."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import OperationalError


def database_problem(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """Return why the database cannot be reached, or ``None`` when it answers. Opens a connection."""
    connection = connections[alias]
    settings = connection.settings_dict
    where = settings.get("HOST") and f"{settings['HOST']}:{settings.get('PORT') or 'default port'}"
    name = f"{settings['NAME']}" + (f" on {where}" if where else "")
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        return f"Cannot reach the database {name} (DATABASE_URL): {reason}"
    return None
