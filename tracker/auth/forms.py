"""The login form."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, InputRequired, Length

from tracker.forms import Form


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class LoginForm(Form):
    """Email and password; the address is not checked for form, so any typo just fails."""

    email = EmailField(
        "Email",
        [DataRequired("Enter your email address."), Length(max=254)],
        filters=[strip],
        render_kw={"autocomplete": "username"},
    )
    # PasswordField never writes the typed value back into the page.
    password = PasswordField(
        "Password",
        [InputRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")
