"""Start Django outside a web request (the CLI, the weekly flow, tests) and bring the schema up."""

from __future__ import annotations

import os


def setup_django(migrate: bool = True) -> None:
    """Configure Django from workspace.settings and apply migrations (idempotent, quiet)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
