"""The failures a user can fix, and how each is said in one line."""

from __future__ import annotations

from features.contract import ExtractError
from features.storage import StorageError, storage_error
from models.errors import ModelStoreUnavailable, NoChampion


class UsageError(Exception):
    """A problem with the command's own arguments or state (e.g. output already there)."""


class ServiceUnavailable(Exception):
    """A service the command needs (the Prefect server) cannot be reached."""


EXPECTED: tuple[type[BaseException], ...] = (
    ExtractError,
    StorageError,
    UsageError,
    ServiceUnavailable,
    ModelStoreUnavailable,
    NoChampion,
)


def one_line(err: BaseException) -> str:
    """The error's message folded onto a single line."""
    return " ".join(str(err).split())


def expected_error(err: BaseException) -> BaseException | None:
    """The error as the user should read it, or None when it is a bug of ours.

    Expected errors are themselves; an OSError writing to a full, read-only or forbidden
    disk becomes the StorageError naming the path and the cause.
    """
    if isinstance(err, EXPECTED):
        return err
    if isinstance(err, OSError):
        return storage_error(err)
    return None
