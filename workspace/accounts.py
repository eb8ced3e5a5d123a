"""Officer accounts: one county each, or an admin who sees every county."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from pipeline.errors import UsageError
from workspace.models import Officer


def add_user(username: str, county: str | None, password: str, admin: bool = False) -> str:
    """Create (or reset the password and county of) an officer; the password is hashed."""
    if not username.strip():
        raise UsageError("USERNAME: must not be empty")
    if not admin and county is None:
        raise UsageError("--county: an officer needs a county (or give --admin)")
    try:
        validate_password(password)
    except ValidationError as err:
        raise UsageError(f"password: {' '.join(err.messages)}") from None
    User = get_user_model()
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = user.is_superuser = admin
        user.save()
        Officer.objects.update_or_create(
            user=user, defaults={"county": county or "", "is_city_admin": admin}
        )
    role = "admin (all counties)" if admin else f"officer of {county}"
    return f"{'added' if created else 'updated'} {username}: {role}"


def list_users() -> str:
    """One line per account: username, county or admin, last login."""
    lines = []
    for officer in Officer.objects.select_related("user").order_by("user__username"):
        user = officer.user
        role = "admin" if officer.is_city_admin else officer.county
        last = user.last_login.isoformat(timespec="minutes") if user.last_login else "never"
        lines.append(f"{user.username}\t{role}\tlast login {last}")
    return (
        "\n".join(lines) if lines else "no accounts yet: retention users add USERNAME --county CODE"
    )
