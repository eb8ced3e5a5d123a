"""Lists in (idempotent, concurrent imports leave one copy), the interventions table out."""

from __future__ import annotations

import threading
from datetime import date
from types import SimpleNamespace

import polars as pl
from typer.testing import CliRunner

from tests.workspace import lists

CONTRACT = {
    "talent_id": pl.String,
    "action_date": pl.Date,
    "action": pl.String,
    "list_as_of": pl.Date,
    "officer_key": pl.String,
}
ACTIONS = {
    "called",
    "visited",
    "family_service",
    "job_matching",
    "extension_offered",
    "extension_accepted",
    "declined",
    "confirmed_left",
    "confirmed_staying",
    "note",
}


def cli(web, *args, stdin: str = "") -> SimpleNamespace:
    """The `retention` command in this process (its Django is the session's database)."""
    from flows.cli import app

    done = CliRunner().invoke(app, list(args), input=stdin)
    return SimpleNamespace(returncode=done.exit_code, stdout=done.stdout, stderr=done.stderr)


def test_reimporting_a_week_changes_nothing(web):
    from workspace.importer import import_lists
    from workspace.models import ListRow, PlanRow, Week

    counts = (Week.objects.count(), ListRow.objects.count(), PlanRow.objects.count())
    said = import_lists(web["lists"], lists.contacts(), lists.subsidies())
    assert "2026-11-23: already imported" in said
    assert (Week.objects.count(), ListRow.objects.count(), PlanRow.objects.count()) == counts
    # The fixture's two weeks, each once with its 240 rows (other tests may import more weeks).
    weeks = Week.objects.filter(as_of__in=[date(2026, 11, 16), date(2026, 11, 23)])
    assert weeks.count() == 2 and ListRow.objects.filter(week__in=weeks).count() == 240


def test_two_imports_of_the_same_week_at_once_leave_one_copy(web):
    from django.db import connection

    from workspace.importer import import_week
    from workspace.models import ListRow, Week
    from workspace.published import with_county_rank

    day = date(2026, 11, 9)  # an older week of a county the other tests do not read
    frame = with_county_rank(lists.risk_list(day, counties=("tianqu",), per_county=4000))
    start, results = threading.Barrier(2), []

    def run():
        start.wait()
        try:
            results.append(import_week(day, frame))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert sorted(results) == [False, True]
    assert Week.objects.filter(as_of=day).count() == 1
    assert ListRow.objects.filter(week__as_of=day).count() == 4000


def test_the_ledger_export_is_the_contracts_interventions_table_without_personal_data(
    web, client_as, tmp_path
):
    qihe = client_as("officer_qihe")
    qihe.post(
        f"/talents/{lists.talent_ids('qihe')[11]}/actions/",
        {
            "action": "extension_offered",
            "action_date": "2026-11-24",
            "note": "已电话沟通,约下周面谈",
        },
    )
    qihe.post(f"/talents/{lists.talent_ids('qihe')[11]}/contact/")
    for suffix in ("parquet", "csv"):
        out = tmp_path / f"interventions.{suffix}"
        done = cli(web, "ledger", "export", "--out", str(out))
        assert done.returncode == 0, done.stderr
        frame = (
            pl.read_parquet(out) if suffix == "parquet" else pl.read_csv(out, try_parse_dates=True)
        )
        assert frame.schema == CONTRACT
        assert frame.height > 0 and set(frame["action"]) <= ACTIONS
        assert frame["officer_key"].str.starts_with("off-").all()
        text = out.read_bytes()
        for secret in (b"officer_qihe", "王建明".encode(), b"13900000011", "已电话沟通".encode()):
            assert secret not in text
    keys = pl.read_parquet(tmp_path / "interventions.parquet").group_by("officer_key").len()
    assert keys.height >= 1  # one key per officer, stable across exports
    again = tmp_path / "again.parquet"
    cli(web, "ledger", "export", "--out", str(again))
    assert (
        pl.read_parquet(again)["officer_key"].to_list()
        == pl.read_parquet(tmp_path / "interventions.parquet")["officer_key"].to_list()
    )


def test_bad_input_is_one_line_and_exit_status_2(web, tmp_path):
    cases = [
        ("web", "import", "--lists", str(tmp_path / "missing")),
        ("web", "import", "--lists", str(tmp_path)),
        ("ledger", "export", "--out", str(tmp_path / "ledger.txt")),
        ("users", "add", "someone", "--county", "atlantis"),
        ("users", "add", "someone"),
    ]
    for args in cases:
        done = cli(web, *args, stdin="long-enough-pass-1\n")
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("retention: "), done.stderr
        assert "Traceback" not in done.stderr
    short = cli(web, "users", "add", "someone", "--county", "qihe", stdin="short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr


def test_users_add_takes_a_county_name_and_list_shows_it(web):
    added = cli(
        web, "users", "add", "officer_pingyuan", "--county", "平原县", stdin="long-enough-pass-1\n"
    )
    assert added.returncode == 0, added.stderr
    listed = cli(web, "users", "list").stdout
    assert "officer_pingyuan\tpingyuan" in listed and "city_admin\tadmin" in listed
    assert "long-enough-pass-1" not in listed
