"""Start-up reads its configuration from the environment and says plainly what is wrong."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import ROOT

PRINT_SETTING = "import django; django.setup(); from django.conf import settings; print(settings.{})"


def run(args: list[str], tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests in this process, never by a deployment.
    left_out = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in left_out}
    base.update({"WEBCARE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "webcare.settings"}, **env)
    return subprocess.run(args, cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


def manage(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", *args], tmp_path, **env)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"DATABASE_URL": "mysql://db/webcare"},
            "Configuration error: DATABASE_URL must be a sqlite:// or postgres://",
        ),
        ({"DEBUG": "maybe"}, "Configuration error: DEBUG must be true or false, got 'maybe'."),
        ({"DEBUG": "false"}, "Configuration error: SECRET_KEY is required when DEBUG is false."),
        ({"DEBUG": "false", "SECRET_KEY": "ab12c" * 10}, "Configuration error: ALLOWED_HOSTS is required"),
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "Configuration error: SECRET_KEY must be at least 50"),
        ({"REDIS_URL": "localhost:6379"}, "Configuration error: REDIS_URL must be a URL starting with"),
        ({"EMAIL_PORT": "smtp"}, "Configuration error: EMAIL_PORT must be a whole number, got 'smtp'."),
        ({"TIME_ZONE": "Mars/Olympus"}, "Configuration error: TIME_ZONE is not a known time zone"),
        ({"LANGUAGE_CODE": "fr"}, "Configuration error: LANGUAGE_CODE must be one of: nl, en."),
    ],
)
def test_a_bad_value_stops_start_up_with_one_line_naming_it(tmp_path, env, expected):
    result = manage("check", tmp_path=tmp_path, **env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(expected)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_one_clear_message(tmp_path):
    result = manage("migrate", tmp_path=tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/webcare")
    assert result.returncode == 1
    assert result.stderr.startswith("Cannot reach the database webcare on 127.0.0.1:1 (DATABASE_URL):")
    assert "Traceback" not in result.stderr


def test_the_default_database_is_sqlite_in_wal_mode(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = run([sys.executable, "-c", "import django; django.setup(); " + code], tmp_path)
    assert result.stdout.strip() == "wal", result.stderr
    assert (tmp_path / "webcare.sqlite3").exists()


def test_a_development_secret_key_is_made_once_and_kept(tmp_path):
    first = run([sys.executable, "-c", PRINT_SETTING.format("SECRET_KEY")], tmp_path).stdout.strip()
    second = run([sys.executable, "-c", PRINT_SETTING.format("SECRET_KEY")], tmp_path).stdout.strip()
    assert len(first) >= 50
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_without_redis_the_broker_needs_no_server(tmp_path):
    result = run([sys.executable, "-c", PRINT_SETTING.format("CELERY_BROKER_URL")], tmp_path)
    assert result.stdout.strip().startswith("filesystem://")


def test_redis_url_is_used_for_the_broker_and_the_cache(tmp_path):
    code = PRINT_SETTING.format("CELERY_BROKER_URL") + "; print(settings.CACHES['default']['LOCATION'])"
    result = run([sys.executable, "-c", code], tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.stdout.split() == ["redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"]


@pytest.mark.django_db
def test_the_health_check_answers_without_a_sign_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "t7-Qm2vX9" * 6,
    "ALLOWED_HOSTS": "webcare.example.org",
    "BEHIND_TLS_PROXY": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def test_the_deploy_check_passes_with_the_documented_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", ["SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT"])
def test_each_https_setting_is_read_from_the_environment(tmp_path, name):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **{**PRODUCTION, name: "false"})
    assert result.returncode != 0
    assert "security.W" in result.stderr


def test_the_idle_time_of_a_session_comes_from_the_environment(tmp_path):
    result = run([sys.executable, "-c", PRINT_SETTING.format("SESSION_COOKIE_AGE")], tmp_path, SESSION_IDLE_HOURS="2")
    assert result.stdout.strip() == "7200"
