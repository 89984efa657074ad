"""Forms of the board's page of people: they parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UsernameField
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role

_NAME_LENGTH = User._meta.get_field("first_name").max_length


class UserUpdateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=_NAME_LENGTH, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=_NAME_LENGTH, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_(
            "Staff triage and answer; managers also read the reports; the board keeps users, sources and the playbook."
        ),
    )


class UserCreateForm(UserUpdateForm):
    username = UsernameField(
        label=_("Username"),
        max_length=User._meta.get_field("username").max_length,
        validators=[User.username_validator],
        help_text=_("What they sign in with: letters, digits and @ . + - _ only."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to them in person. They can change it under “Change password” once signed in."),
    )

    field_order = ["username", "first_name", "last_name", "email", "role", "password"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The least a new person may do, unless the board chooses more.
        self.fields["role"].initial = Role.STAFF
