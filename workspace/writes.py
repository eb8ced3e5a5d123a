"""The server's write transactions, one at a time in the process.

SQLite lets one writer in at a time; a second one waits in SQLite's busy handler, which sleeps
and retries (1, 2, 5 ... 25, 50, 100 ms) instead of waking when the lock frees. With a dozen
officers saving at once those sleeps were most of an action's time. Writers of this process
queue on a lock instead and go in as soon as the one before commits; other processes (an
import) still meet SQLite's own lock and timeout. PostgreSQL has row locks: no queue there.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connection, transaction

_WRITER = threading.Lock()


@contextmanager
def write_transaction():
    """transaction.atomic(), entered by one thread of this process at a time on SQLite."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            yield
        return
    with _WRITER, transaction.atomic():
        yield
