"""Start Django outside a web request (the CLI, the weekly flow, tests) and bring the schema up."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def migration_lock():
    """One migrator at a time (a server and an import starting together on a new database)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(171717)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(171717)")
        return
    lock = Path(connection.settings_dict["NAME"]).with_suffix(".migrate.lock")
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def setup_django(migrate: bool = True) -> None:
    """Configure Django from workspace.settings and apply migrations (idempotent, quiet)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    if migrate:
        from django.core.management import call_command
        from django.db import OperationalError

        from pipeline.errors import UsageError

        try:
            with migration_lock():
                call_command("migrate", interactive=False, verbosity=0)
        except OperationalError as err:  # the server named by DATABASE_URL is not there
            cause = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise UsageError(f"workspace database: cannot open it ({cause})") from None
