"""Reading configuration from the environment.

Every variable the settings read goes through :class:`Env`, so that a missing or malformed value
stops start-up with one line that names the variable, and so that the deployment files can be
checked against the names the settings really read (``Env.names``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import NoReturn, TypeVar

import dj_database_url

T = TypeVar("T")
# Env has methods named after the built-in types; these names keep the annotations unambiguous.
Text = str
Bool = bool
Int = int
List = list

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(SystemExit):
    """Start-up stops with exit status 2 after one line naming the variable."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(2)
        self.name = name
        self.problem = problem


def _fail(name: str, problem: str) -> NoReturn:
    print(f"Configuration error: {name} {problem}", file=sys.stderr)
    raise ConfigurationError(name, problem)


class Env:
    """Typed access to environment variables that records which names were read."""

    def __init__(self, environ: Mapping[Text, Text] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self.names: set[Text] = set()

    def raw(self, name: Text) -> Text | None:
        self.names.add(name)
        value = self._environ.get(name)
        return None if value is None else value.strip()

    def _parse(self, name: Text, default: T | None, parse: Callable[[Text], T], expected: Text) -> T | None:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            return parse(value)
        except ValueError:
            _fail(name, f"must be {expected}, got {value!r}.")

    def str(self, name: Text, default: Text | None = None, *, required: Bool = False) -> Text | None:
        value = self.raw(name) or None
        if value is None and required:
            _fail(name, "is required but not set.")
        return value if value is not None else default

    def bool(self, name: Text, default: Bool) -> Bool:
        def parse(value: Text) -> Bool:
            if value.lower() in _TRUE:
                return True
            if value.lower() in _FALSE:
                return False
            raise ValueError(value)

        result = self._parse(name, default, parse, "true or false")
        return default if result is None else result

    def int(self, name: Text, default: Int, *, minimum: Int | None = None) -> Int:
        result = self._parse(name, default, int, "a whole number")
        value = default if result is None else result
        if minimum is not None and value < minimum:
            _fail(name, f"must be at least {minimum}, got {value}.")
        return value

    def list(self, name: Text, default: List[Text] | None = None) -> List[Text]:
        value = self.raw(name)
        if value is None:
            return List(default or [])
        return [part.strip() for part in value.split(",") if part.strip()]

    def database(self, name: Text, default: Text) -> dict:
        url = self.raw(name) or default
        scheme = url.split(":", 1)[0]
        if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
            _fail(name, f"must be a sqlite:// or postgres:// URL, got {url!r}.")
        try:
            config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
        except (ValueError, KeyError) as exc:
            _fail(name, f"is not a valid database URL ({exc}).")
        if not config.get("NAME"):
            _fail(name, f"names no database, got {url!r}.")
        return dict(config)

    def url(self, name: Text, default: Text | None, *, schemes: set[Text]) -> Text | None:
        value = self.raw(name) or default
        if value is None:
            return None
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in schemes:
            expected = " or ".join(sorted(f"{known}://" for known in schemes))
            _fail(name, f"must be a URL starting with {expected}.")
        return value
