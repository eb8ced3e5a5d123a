"""The failures a user can fix, how they are said in one line, and fast checks of the services."""

from __future__ import annotations

import logging
import socket
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

MLFLOW_HOW = (
    "start it with `make mlflow-ui` (serves mlruns/ on http://127.0.0.1:5000) "
    "or set MLFLOW_TRACKING_URI to a running store"
)
PREFECT_HOW = (
    "start it with `make serve`, or unset PREFECT_API_URL to run on a temporary local server"
)
TRAIN_HOW = "train one first: retention train --data DIR --as-of DATE"


class UsageError(Exception):
    """A problem with the command's own arguments or state (e.g. output already there)."""


class ServiceUnavailable(Exception):
    """The MLflow store or the Prefect server cannot be reached."""


def expected_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean bad input or missing services, never a bug of ours."""
    from features.contract import ExtractError
    from features.ingest import StorageError

    return (ExtractError, UsageError, ServiceUnavailable, StorageError)


def storage_failure(err: BaseException) -> Exception | None:
    """The one-line error for an OSError writing work or output files, else None.

    ENOSPC, EDQUOT, EROFS, ENOTDIR, EEXIST, EACCES, EPERM and EISDIR name the path and the
    cause (`features.ingest.storage_error`); any other error is not the user's to fix. Meant
    for the CLI's `guarded`: `except OSError as err: mapped = storage_failure(err)`, echo
    `retention: {one_line(mapped)}` and exit 2 when it is not None, re-raise otherwise.
    """
    from features.ingest import storage_error

    return storage_error(err) if isinstance(err, OSError) else None


def one_line(err: BaseException) -> str:
    """The error's message folded onto a single line."""
    return " ".join(str(err).split())


def check_model_store(tracking_uri: str, timeout: float = 2.0) -> None:
    """Fail in seconds, naming MLflow and how to start it, when the tracking store is not there."""
    parsed = urlparse(tracking_uri)
    if parsed.scheme in {"http", "https"}:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            socket.create_connection((parsed.hostname or "127.0.0.1", port), timeout).close()
        except OSError as err:
            raise ServiceUnavailable(
                f"MLflow tracking server {tracking_uri} is not reachable "
                f"({err.strerror or err}); {MLFLOW_HOW}"
            ) from None
    elif parsed.scheme == "sqlite":
        db = Path(tracking_uri.removeprefix("sqlite:///"))
        if not db.is_file():  # MLflow would create an empty store here and find no model in it
            raise ServiceUnavailable(
                f"no MLflow store at {db} (MLFLOW_TRACKING_URI={tracking_uri}); "
                f"{TRAIN_HOW}, or point MLFLOW_TRACKING_URI at the store that holds it"
            )


def no_champion(tracking_uri: str, model_name: str, err: BaseException) -> UsageError | None:
    """The one-line error for an MLflow store without a champion model, or None for other errors."""
    if getattr(err, "error_code", None) != "RESOURCE_DOES_NOT_EXIST":
        return None
    return UsageError(
        f"no champion model '{model_name}' in the MLflow store {tracking_uri}; {TRAIN_HOW}"
    )


def check_prefect_api(api_url: str | None, timeout: float = 3.0) -> None:
    """Fail in seconds, naming Prefect and how to start it, when PREFECT_API_URL does not answer."""
    if not api_url:
        return  # Prefect starts a temporary local server itself
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout):
            return
    except OSError as err:
        reason = getattr(err, "reason", None) or err
        raise ServiceUnavailable(
            f"Prefect server {api_url} is not reachable ({reason}); {PREFECT_HOW}"
        ) from None


class HideExpectedTracebacks(logging.Filter):
    """Drop console log records carrying an expected error: the CLI says it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record except those whose exception is an expected error."""
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, expected_errors()):
            return False
        message = record.getMessage()  # Prefect's "Finished in state Failed(... UsageError: ...)"
        return not (
            message.startswith("Finished in state Failed(")
            and any(f"{kind.__name__}:" in message for kind in expected_errors())
        )


def quiet_expected_tracebacks() -> None:
    """Install the filter on the console handlers Prefect logs through (idempotent)."""
    for name in ("", "prefect", "prefect.flow_runs", "prefect.task_runs"):
        for handler in logging.getLogger(name).handlers:
            is_console = isinstance(handler, logging.StreamHandler)
            if is_console and not any(
                isinstance(f, HideExpectedTracebacks) for f in handler.filters
            ):
                handler.addFilter(HideExpectedTracebacks())
