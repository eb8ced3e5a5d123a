"""The interventions table (contract section 1) from the action ledger: no names, no phones."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import polars as pl
from django.conf import settings

from workspace.models import Action

INTERVENTIONS_SCHEMA = {
    "talent_id": pl.String,
    "action_date": pl.Date,
    "action": pl.String,
    "list_as_of": pl.Date,
    "officer_key": pl.String,
}


def officer_key(user_id: int) -> str:
    """A stable pseudonym for an officer: a keyed hash of the account id, never the name."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"officer:{user_id}".encode(), hashlib.sha256)
    return "off-" + digest.hexdigest()[:12]


def interventions() -> pl.DataFrame:
    """Every recorded action as the contract's interventions rows, oldest first."""
    rows = Action.objects.order_by("action_date", "id").values_list(
        "talent__talent_id", "action_date", "action", "list_as_of", "officer_id"
    )
    records = [(t, d, a, w, officer_key(o)) for t, d, a, w, o in rows.iterator(chunk_size=5000)]
    return pl.DataFrame(records, schema=INTERVENTIONS_SCHEMA, orient="row")


def write_interventions(frame: pl.DataFrame, out: Path) -> Path:
    """Parquet or CSV by the suffix, written to a temporary file and renamed (never half a file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    if out.suffix.lower() == ".csv":
        frame.write_csv(tmp)
    else:
        frame.write_parquet(tmp)
    os.replace(tmp, out)
    return out


def export_ledger(out: Path) -> str:
    """Write the interventions table to `out`; say how many rows went where."""
    frame = interventions()
    write_interventions(frame, out)
    return f"wrote {frame.height} interventions to {out}"
