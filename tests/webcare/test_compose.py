"""The production stack (Dockerfile and docker-compose.yml) runs every part of the product, checks that
each part is healthy, and configures the app only with variables the settings really read.

No Docker engine is needed: the files are parsed, and docker-compose.yml is rendered with the same
``${VAR:-default}`` / ``${VAR:?error}`` rules ``docker compose`` applies, using what an operator puts in
``.env``.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from django.conf import settings
from django.http.request import validate_host

from webcare.env import Env

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

PARTS = ("postgres", "redis", "web", "worker", "beat")
APP_SERVICES = ("web", "worker", "beat", "migrate")
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")

# What the operator's .env holds; the password is URL-safe, as the compose file asks.
OPERATOR_ENV = {
    "SECRET_KEY": "operator-secret-key-with-more-than-fifty-random-characters",
    "POSTGRES_PASSWORD": "Db8pass7word",
    "ALLOWED_HOSTS": "inbox.example.org,www.inbox.example.org",
}


# Reading the files ---------------------------------------------------------------------------------


class MissingVariable(Exception):
    """``${NAME:?message}`` met an unset variable: ``docker compose`` refuses to start."""


_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))"
)


def _interpolate(text: str, env: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["name"] or match["bare"]
        value, op = env.get(name), match["op"]
        unset = value is None or (value == "" and op is not None and op.startswith(":"))
        if op and op.endswith("-") and unset:
            return match["arg"]
        if op and op.endswith("?") and unset:
            raise MissingVariable(f"{name}: {match['arg']}")
        return value or ""

    return _VARIABLE.sub(replace, text)


def _render(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return _interpolate(node, env)
    if isinstance(node, dict):
        return {key: _render(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [_render(value, env) for value in node]
    return node


def compose_raw() -> dict[str, Any]:
    """The file as written, anchors merged, ``${...}`` not yet filled in."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose(env: Mapping[str, str] = OPERATOR_ENV) -> dict[str, Any]:
    """The file as ``docker compose`` sees it with the given .env."""
    return _render(compose_raw(), env)


def service(name: str, env: Mapping[str, str] = OPERATOR_ENV) -> dict[str, Any]:
    return compose(env)["services"][name]


def environment(definition: Mapping[str, Any]) -> dict[str, str]:
    value = definition.get("environment") or {}
    if isinstance(value, list):
        value = dict(item.split("=", 1) if "=" in item else (item, "") for item in value)
    return {name: "" if setting is None else str(setting) for name, setting in value.items()}


def argv(command: str | list[str] | None) -> list[str]:
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def option(args: list[str], *names: str) -> str | None:
    """The value of ``--name value`` or ``--name=value`` in an argument list."""
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                return args[index + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def health_check_command(definition: Mapping[str, Any]) -> str:
    test = argv(definition["healthcheck"]["test"])
    kind, rest = test[0], test[1:]
    if kind == "CMD-SHELL":
        return " ".join(rest)
    assert kind == "CMD", f"a health check test starts with CMD or CMD-SHELL, got {test!r}"
    return shlex.join(rest)


def dockerfile_instructions() -> list[tuple[str, str]]:
    lines: list[str] = []
    for line in DOCKERFILE.read_text().splitlines():
        if line.lstrip().startswith("#"):
            continue
        lines.append(line)
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_env() -> dict[str, str]:
    values: dict[str, str] = {}
    for keyword, arguments in dockerfile_instructions():
        if keyword == "ENV":
            values.update(part.split("=", 1) for part in shlex.split(arguments))
    return values


def dockerfile_cmd() -> list[str]:
    commands = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "CMD"]
    assert commands, "the Dockerfile has no CMD"
    return json.loads(commands[-1])  # exec form, so gunicorn gets the signals


def is_false(value: str, name: str) -> bool:
    """Read a boolean exactly as the settings do."""
    return Env({name: value}).bool(name, True) is False


# What runs -------------------------------------------------------------------------------------------


def test_it_runs_every_part_of_the_product():
    services = compose()["services"]

    assert set(PARTS) <= set(services), f"missing: {sorted(set(PARTS) - set(services))}"
    assert services["postgres"]["image"].split(":")[0] == "postgres"
    assert services["redis"]["image"].split(":")[0] == "redis"
    assert argv(services["migrate"]["command"]) == ["python", "manage.py", "migrate", "--noinput"]


def test_app_services_run_the_image_built_from_this_project():
    services = compose()["services"]
    images = {services[name].get("image") for name in APP_SERVICES}
    builds = {json.dumps(services[name].get("build"), sort_keys=True) for name in APP_SERVICES}

    assert len(images) == 1, f"web, worker, beat and migrate must share one image, got {images}"
    assert builds in ({'"."'}, {'"./"'}, {json.dumps({"context": "."})}), builds


def test_the_image_starts_the_web_app_with_gunicorn():
    cmd = dockerfile_cmd()

    assert cmd[0] == "gunicorn"
    assert "webcare.wsgi:application" in cmd
    assert option(cmd, "--bind", "-b") == "0.0.0.0:8000"
    assert option(cmd, "--access-logfile") == "-", "access log goes to stdout"


def test_web_serves_the_wsgi_app_on_port_8000():
    web = service("web")
    command = argv(web.get("command")) or dockerfile_cmd()

    assert command[0] == "gunicorn"
    assert "webcare.wsgi:application" in command
    assert option(command, "--bind", "-b") == "0.0.0.0:8000"
    assert any(str(port).endswith(":8000") or str(port) == "8000" for port in web["ports"]), web["ports"]


@pytest.mark.parametrize(("name", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_run_the_webcare_celery_app(name, subcommand):
    command = argv(service(name)["command"])

    assert command[0] == "celery"
    assert option(command, "--app", "-A") == "webcare"
    assert subcommand in command


def test_beat_keeps_its_schedule_where_settings_expect_it():
    beat = service("beat")
    data_dir = environment(beat).get("WEBCARE_DATA_DIR") or dockerfile_env()["WEBCARE_DATA_DIR"]
    schedule_name = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).relative_to(settings.DATA_DIR)

    assert option(argv(beat["command"]), "--schedule", "-s") == str(PurePosixPath(data_dir) / schedule_name)
    assert dockerfile_env()["WEBCARE_DATA_DIR"] == data_dir, "the image's data folder is the one beat uses"


# Health -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PARTS)
def test_every_service_has_a_health_check(name):
    healthcheck = service(name).get("healthcheck") or {}

    assert not healthcheck.get("disable"), f"{name}: health check disabled"
    test = argv(healthcheck.get("test"))
    assert test, f"{name} has no health check test"
    assert test[0] in {"CMD", "CMD-SHELL"}, f"{name}: {test!r}"
    assert len(test) > 1, f"{name}: health check test runs nothing"


def test_database_and_redis_health_checks_ask_the_servers():
    assert "pg_isready" in health_check_command(service("postgres"))
    assert re.search(r"\bredis-cli\b.*\bping\b", health_check_command(service("redis")))


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_health_checks_ping_the_node_the_service_runs(name):
    definition = service(name)
    command = argv(definition["command"])
    node = option(command, "--hostname", "-n")
    check = health_check_command(definition)

    assert node is not None, f"{name} must name its node, so that its health check can ping exactly it"
    assert node.endswith("@%h"), f"{name}: node {node!r} must end in @%h (the container's host name)"
    assert "inspect ping" in check
    # %h in the command and $HOSTNAME in the health check are both the container's host name.
    assert f"--destination {node.removesuffix('%h')}$HOSTNAME" in check
    if name == "beat":
        assert "--enable-remote-control" in command, "beat answers `inspect ping` only with remote control on"


class _HealthzServer(ThreadingHTTPServer):
    status = 200
    requests: list[str]


class _HealthzHandler(BaseHTTPRequestHandler):
    server: _HealthzServer

    def do_GET(self) -> None:
        self.server.requests.append(f"{self.path} {self.headers['Host']}")
        self.send_response(self.server.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def healthz_server() -> Iterator[_HealthzServer]:
    server = _HealthzServer(("127.0.0.1", 0), _HealthzHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _run_web_health_check(server: _HealthzServer) -> int:
    """Run the web service's health check, aimed at the stand-in server instead of port 8000."""
    web = service("web")
    test = argv(web["healthcheck"]["test"])
    assert test[0] == "CMD", "the check must run without a shell"
    assert test[1:3] == ["python", "-c"], "the slim image has no curl or wget: the check uses python"
    code = test[3]
    assert "127.0.0.1:8000" in code
    code = code.replace("127.0.0.1:8000", f"127.0.0.1:{server.server_port}")
    env = {**environment(web), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=30).returncode


def test_web_health_check_asks_healthz_as_an_allowed_host(healthz_server):
    assert _run_web_health_check(healthz_server) == 0

    assert len(healthz_server.requests) == 1
    path, host = healthz_server.requests[0].split(" ")
    assert path == "/healthz"
    allowed = environment(service("web"))["ALLOWED_HOSTS"].split(",")
    assert validate_host(host, allowed), f"Django would answer Host {host!r} with 400, not with the health"


def test_web_health_check_fails_when_healthz_reports_unavailable(healthz_server):
    healthz_server.status = 503

    assert _run_web_health_check(healthz_server) != 0


# Configuration ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_only_use_variables_settings_reads(name):
    names = set(environment(service(name)))

    assert names, f"{name} is given no configuration"
    unknown = names - settings.ENVIRONMENT_VARIABLES
    assert not unknown, f"{name} sets variables webcare/settings.py never reads: {sorted(unknown)}"


def test_the_image_only_sets_variables_settings_or_python_read():
    ours = {name for name in dockerfile_env() if not name.startswith(("PYTHON", "PIP_"))}

    assert ours, "the image sets WEBCARE_DATA_DIR"
    assert ours <= settings.ENVIRONMENT_VARIABLES, sorted(ours - settings.ENVIRONMENT_VARIABLES)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_in_production_mode(name):
    env = environment(service(name))

    assert is_false(env["DEBUG"], "DEBUG")
    assert is_false(env["WEBCARE_DEMO"], "WEBCARE_DEMO")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_production_requires_a_secret_key(name):
    raw = environment(compose_raw()["services"][name])

    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", raw["SECRET_KEY"]), raw["SECRET_KEY"]
    without_key = {key: value for key, value in OPERATOR_ENV.items() if key != "SECRET_KEY"}
    with pytest.raises(MissingVariable, match="SECRET_KEY"):
        compose(without_key)
    with pytest.raises(MissingVariable, match="SECRET_KEY"):
        compose({**without_key, "SECRET_KEY": ""})
    assert environment(service(name))["SECRET_KEY"] == OPERATOR_ENV["SECRET_KEY"]


@pytest.mark.parametrize("name", LONG_RUNNING_APP_SERVICES)
def test_app_services_reach_postgres_and_redis_by_service_name(name):
    env = environment(service(name))
    database = Env(env).database("DATABASE_URL", "sqlite:///unused.sqlite3")
    redis = urlsplit(env["REDIS_URL"])

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "postgres"
    assert int(database["PORT"] or 5432) == 5432
    assert redis.scheme == "redis"
    assert redis.hostname == "redis"
    assert (redis.port or 6379) == 6379


def test_database_credentials_agree_with_the_postgres_service():
    postgres = environment(service("postgres"))

    for name in APP_SERVICES:
        url = urlsplit(environment(service(name))["DATABASE_URL"])
        assert unquote(url.username or "") == postgres["POSTGRES_USER"], name
        assert unquote(url.password or "") == postgres["POSTGRES_PASSWORD"], name
        assert url.path.lstrip("/") == postgres["POSTGRES_DB"], name
    assert postgres["POSTGRES_PASSWORD"] == OPERATOR_ENV["POSTGRES_PASSWORD"], "the password comes from .env"


@pytest.mark.parametrize("name", LONG_RUNNING_APP_SERVICES)
def test_app_services_wait_for_healthy_database_and_redis(name):
    depends_on = service(name).get("depends_on")

    assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions, not a plain list"
    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_migrations_run_once_the_database_is_healthy():
    migrate = service("migrate")

    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert str(migrate.get("restart", "no")) == "no", "a one-shot service must not be restarted"


# The image ---------------------------------------------------------------------------------------------


def test_the_image_runs_as_an_unprivileged_user():
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]

    assert users, "without USER the image runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert len(keywords) - keywords[::-1].index("USER") < len(keywords) - keywords[::-1].index("CMD"), (
        "USER comes before CMD"
    )
    assert instructions[0][0] == "FROM"
    assert instructions[0][1].startswith("python:3.11-slim")


def test_the_image_collects_static_files_for_production():
    runs = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN"]
    collect = [run for run in runs if "collectstatic" in run]

    assert len(collect) == 1
    words = shlex.split(collect[0])
    assignments = dict(word.split("=", 1) for word in words[: words.index("python")] if "=" in word)
    assert is_false(assignments["DEBUG"], "DEBUG"), "collect with the production (manifest) storage"
    assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= set(assignments)
    assert set(assignments) <= settings.ENVIRONMENT_VARIABLES
    assert "--noinput" in words
    assert any("pip install" in run and "--no-cache-dir" in run and "requirements.txt" in run for run in runs), (
        "runtime dependencies come from the pinned requirements.txt"
    )
