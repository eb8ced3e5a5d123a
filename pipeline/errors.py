"""The failures a user can fix, and how each is said in one line."""

from __future__ import annotations

from features.contract import ExtractError
from models.errors import ModelStoreUnavailable, NoChampion


class UsageError(Exception):
    """A problem with the command's own arguments or state (e.g. output already there)."""


class ServiceUnavailable(Exception):
    """A service the command needs (the Prefect server) cannot be reached."""


EXPECTED: tuple[type[BaseException], ...] = (
    ExtractError,
    UsageError,
    ServiceUnavailable,
    ModelStoreUnavailable,
    NoChampion,
)


def one_line(err: BaseException) -> str:
    """The error's message folded onto a single line."""
    return " ".join(str(err).split())
