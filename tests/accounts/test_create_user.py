from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.models import User
from accounts.selectors import user_roles

pytestmark = pytest.mark.django_db


def signs_in(username: str, password: str) -> object:
    """The user the sign-in form would let in (sign-in throttling needs the request)."""
    request = RequestFactory().post("/account/login/")
    return authenticate(request, username=username, password=password)


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_user_with_a_role_and_the_given_password():
    output = run("anna", "--role", "staff", "--password", "zwembad-Lente-2026", "--email", "anna@example.org")

    user = User.objects.get(username="anna")
    assert [role.value for role in user_roles(user)] == ["staff"]
    assert user.email == "anna@example.org"
    assert signs_in("anna", "zwembad-Lente-2026") == user
    assert "Created user 'anna' with role staff." in output
    assert "Password:" not in output


def test_without_a_password_it_generates_one_and_prints_it_once():
    output = run("bert", "--role", "manager")
    password = output.split("Password: ")[1].strip()
    assert signs_in("bert", password) is not None


def test_it_updates_an_existing_user_to_the_new_role_and_keeps_the_password():
    run("carla", "--role", "staff", "--password", "zwembad-Lente-2026")
    output = run("carla", "--role", "board")

    user = User.objects.get(username="carla")
    assert [role.value for role in user_roles(user)] == ["board"]
    assert signs_in("carla", "zwembad-Lente-2026") == user
    assert "Updated user 'carla'" in output
    assert User.objects.filter(username="carla").count() == 1


def test_an_unknown_role_is_a_clear_error_and_creates_nobody():
    with pytest.raises(CommandError, match=r"Unknown role 'admin'\. Choose one of: board, manager, staff\."):
        run("dirk", "--role", "admin")
    assert not User.objects.filter(username="dirk").exists()


def test_a_weak_password_is_refused_with_the_reason():
    with pytest.raises(CommandError, match="Password refused"):
        run("eva", "--role", "staff", "--password", "123")
    assert not User.objects.filter(username="eva").exists()
