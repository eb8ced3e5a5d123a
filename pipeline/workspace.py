"""The officers' workspace in the weekly loop: published lists in, the interventions table out.

Plain functions (no Prefect): the CLI (`retention web import`, `retention ledger export`) and
the weekly flow's step call them. Django is set up on first use.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.settings import Settings

INTERVENTIONS = "interventions"


def _django() -> None:
    from workspace.boot import setup_django

    setup_django()


def import_published(
    lists: Path, data: Path | None = None, settings: Settings | None = None
) -> str:
    """Import the published weeks of `lists`; contacts and grants from the extract `data` if given."""
    from workspace.published import published_weeks

    published_weeks(lists)  # a wrong folder is one line before Django starts
    contacts = subsidies = None
    if data is not None:
        from pipeline.extract import load_extract  # heavy: pandera

        extract = load_extract(data, settings or Settings.from_env())
        contacts, subsidies = extract.contacts, extract.tables["subsidies"]
    _django()
    from workspace.importer import import_lists

    return import_lists(lists, contacts, subsidies)


def export_interventions(out: Path) -> str:
    """Write the contract's interventions table (parquet or csv by the suffix)."""
    _django()
    from workspace.ledger import export_ledger

    return export_ledger(out)


def workspace_enabled(settings: Settings) -> bool:
    """The weekly flow feeds the workspace once it exists: DATABASE_URL, or its SQLite file."""
    if os.environ.get("DATABASE_URL"):
        return True
    return (settings.work_dir / "web" / "workspace.sqlite3").is_file()


def ledger_path(data: Path) -> Path:
    """Where the weekly flow writes the ledger: in the extract's folder, as the next extract's
    interventions table (keeping the suffix of one already there, so there is never two)."""
    if (data / f"{INTERVENTIONS}.csv").is_file():
        return data / f"{INTERVENTIONS}.csv"
    return data / f"{INTERVENTIONS}.parquet"


def update_workspace(out_dir: Path, data: Path, extract, settings: Settings) -> str | None:
    """After publishing: import the new week (with contacts and grants), write the ledger."""
    if not workspace_enabled(settings):
        return None
    previous = os.environ.get("RETENTION_WORK_DIR")
    os.environ.setdefault("RETENTION_WORK_DIR", str(settings.work_dir))
    try:
        _django()
        from workspace.importer import import_lists
        from workspace.ledger import export_ledger

        said = import_lists(out_dir, extract.contacts, extract.tables["subsidies"])
        return f"{said}\n{export_ledger(ledger_path(data))}"
    finally:
        if previous is None and os.environ.get("RETENTION_WORK_DIR") == str(settings.work_dir):
            os.environ.pop("RETENTION_WORK_DIR", None)
