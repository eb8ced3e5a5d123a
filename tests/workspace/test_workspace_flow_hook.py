"""The weekly flow's step: after publishing, the week goes into the workspace and the ledger
is written into the extract folder; nothing happens before the workspace exists."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from types import SimpleNamespace

import polars as pl

from tests.workspace import lists


def test_after_publishing_the_week_is_imported_and_the_ledger_lands_in_the_extract(web, tmp_path):
    from pipeline.settings import Settings
    from pipeline.workspace import update_workspace
    from workspace.models import Week

    out, data = tmp_path / "out", tmp_path / "extract"
    data.mkdir()
    day = date(2026, 10, 26)  # older than the other tests' weeks
    lists.write_lists(out, weeks=(day,), counties=("xiajin",), per_county=5)
    extract = SimpleNamespace(
        contacts=lists.contacts(("xiajin",), 5),
        tables={"subsidies": lists.subsidies(("xiajin",), 5)},
    )
    said = update_workspace(out, data, extract, Settings(work_dir=web["work"]))
    assert f"{day}: imported" in said and "contacts of 5 listed talents" in said
    assert Week.objects.filter(as_of=day).exists()
    ledger = pl.read_parquet(data / "interventions.parquet")
    assert ledger.columns == ["talent_id", "action_date", "action", "list_as_of", "officer_key"]
    (data / "interventions.parquet").unlink()
    (data / "interventions.csv").write_text("talent_id,action_date,action\n")
    update_workspace(out, data, extract, Settings(work_dir=web["work"]))
    assert not (data / "interventions.parquet").exists()  # never two formats of one table
    assert pl.read_csv(data / "interventions.csv").columns == ledger.columns


def test_no_workspace_database_no_step(tmp_path, monkeypatch):
    from pipeline.settings import Settings
    from pipeline.workspace import update_workspace

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert update_workspace(tmp_path, tmp_path, None, Settings(work_dir=tmp_path / "work")) is None
    assert list(tmp_path.iterdir()) == []


def test_the_workspace_imports_neither_prefect_nor_mlflow(web):
    code = (
        "import sys; from workspace.boot import setup_django; setup_django();"
        "import workspace.views, workspace.importer, workspace.ledger, workspace.serve, pipeline.workspace;"
        "print(sorted(m for m in ('prefect', 'mlflow') if m in sys.modules))"
    )
    from tests.workspace.conftest import server_env

    done = subprocess.run(
        [sys.executable, "-c", code],
        env=server_env(web),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
