"""Prefect's side of failing cleanly: a fast check of the server, one line instead of tracebacks."""

from __future__ import annotations

import logging
import urllib.request

from pipeline.errors import EXPECTED, ServiceUnavailable, expected_error

PREFECT_HOW = (
    "start it with `make serve`, or unset PREFECT_API_URL to run on a temporary local server"
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
        if exc is not None and expected_error(exc) is not None:
            return False
        message = record.getMessage()  # Prefect's "Finished in state Failed(... UsageError: ...)"
        return not (
            message.startswith("Finished in state Failed(")
            and any(f"{kind.__name__}:" in message for kind in EXPECTED)
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


def prepare_prefect() -> None:
    """Before a flow runs from the command line: check PREFECT_API_URL, keep errors to one line."""
    from prefect.settings import get_current_settings

    check_prefect_api(get_current_settings().api.url)
    quiet_expected_tracebacks()
