from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.exceptions import InvalidPassword, UnknownRole
from accounts.roles import Role
from accounts.services import user_save_with_role


class Command(BaseCommand):
    help = "Create a user with a role, or give an existing user that role (and a new password or e-mail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}.")
        parser.add_argument("--password", help="Without it a new user gets a generated password, printed once.")
        parser.add_argument("--email")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            saved = user_save_with_role(
                username=options["username"],
                role=options["role"],
                password=options["password"],
                email=options["email"],
            )
        except UnknownRole as exc:
            raise CommandError(f"Unknown role {exc.role!r}. Choose one of: {', '.join(Role.values)}.") from exc
        except InvalidPassword as exc:
            raise CommandError(f"Password refused: {exc}") from exc
        verb = "Created" if saved.is_new else "Updated"
        self.stdout.write(f"{verb} user {saved.user.username!r} with role {options['role']}.")
        if saved.generated_password:
            self.stdout.write(f"Password: {saved.generated_password}")
