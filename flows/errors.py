"""The failures a user can fix, and how they are said in one line."""

from __future__ import annotations


class UsageError(Exception):
    """A problem with the command's own arguments or state (e.g. output already there)."""


class ServiceUnavailable(Exception):
    """The MLflow store or the Prefect server cannot be reached."""


def expected_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean bad input or missing services, never a bug of ours."""
    from features.contract import ExtractError

    return (ExtractError, UsageError, ServiceUnavailable)


def one_line(err: BaseException) -> str:
    """The error's message folded onto a single line."""
    return " ".join(str(err).split())
