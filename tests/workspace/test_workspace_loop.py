"""The whole loop on a simulated registry: a published list and its offer plan (with a lottery)
-> officers' actions in the workspace -> ledger export -> the later extract's interventions table
-> the backtest's treated/untreated split and the lottery's outcome, checked against the truth."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from tests.workspace.test_workspace_ledger import CONTRACT, cli

WORLD_AS_OF = date(2026, 11, 2)  # the later extract, the one the backtest reads
LIST_DAY = date(2025, 6, 2)  # old enough that 3, 6 and 12 months have all matured by then
HORIZONS = (3, 6, 12)


def published_list(
    oracle: pl.DataFrame, talents: pl.DataFrame, departures: pl.DataFrame
) -> pl.DataFrame:
    """The week's list in the contract's columns: everyone still paying then (its work list;
    those already gone would be on the list to verify), scored by the oracle."""
    gone = departures.filter(pl.col("first_departure_month") < LIST_DAY.replace(day=1))
    paying = oracle.join(gone, on="talent_id", how="anti")
    n = paying.height
    return (
        paying.join(talents.select("talent_id", "county"), on="talent_id")
        .sort("talent_id")
        .with_columns(
            as_of=pl.lit(LIST_DAY),
            employer_id=pl.lit("E1"),
            subsidy_end_date=pl.lit(date(2025, 9, 30)),
            months_to_subsidy_end=pl.lit(3, pl.Int32),
            risk_tier=pl.when(pl.col("p_leave_6m").rank("ordinal", descending=True) <= n // 3)
            .then(pl.lit("high"))
            .otherwise(pl.lit("medium")),
            reason_1=pl.lit("生活补贴即将到期"),
            months_unpaid=pl.lit(0, pl.Int32),
            model_version=pl.lit("oracle"),
        )
    )


def offer_plan(listed: pl.DataFrame) -> pl.DataFrame:
    """The plan's rows, selected (with its lottery) by the product's own selection code."""
    from plan.select import select_offers

    frame = listed.select(
        "talent_id",
        "county",
        "p_leave_12m",
        offer_kind=pl.lit("extend_main"),
        monthly_yuan=pl.lit(1500.0),
        cost_yuan=pl.lit(18000.0),
        p_leave_12m_with_offer=pl.col("p_leave_12m") * 0.8,
        months_gained=pl.col("p_leave_12m") * 2.4,
    ).with_columns(
        months_gained_low=pl.col("months_gained") * 0.5,
        months_gained_high=pl.col("months_gained") * 1.5,
    )
    budget = 18000.0 * (frame.height // 3)
    return select_offers(frame, budget, lottery_share=0.5, seed=4)


def truly_left(world_departures: pl.DataFrame, ids, h: int) -> set[str]:
    """The simulator's truth: first departure month in m0+1 .. m0+h (m0 the list's month)."""
    end = LIST_DAY.replace(day=1)
    for _ in range(h + 1):
        end = (end + timedelta(days=32)).replace(day=1)
    gone = world_departures.filter(
        pl.col("talent_id").is_in(list(ids)) & (pl.col("first_departure_month") < end)
    )
    return set(gone["talent_id"])


def logged_in(name: str):
    """A Django test client logged in as the named user (module-scoped fixtures cannot use
    the function-scoped `client_as`)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    return client


@pytest.fixture(scope="module")
def loop(web, tmp_path_factory):
    """Simulate, publish the list and plan, record actions, export, backtest."""
    import synthetic
    from synthetic.cuts import cut_registry
    from workspace.importer import import_lists

    root = tmp_path_factory.mktemp("loop")
    world = synthetic.simulate(n_talents=500, seed=3, as_of=WORLD_AS_OF)
    then = cut_registry(world, LIST_DAY)
    talents = world.tables["talents"]
    listed = published_list(then.truth["oracle"], talents, world.truth["departures"])
    plan = offer_plan(listed)
    week = root / "lists" / LIST_DAY.isoformat()
    week.mkdir(parents=True)
    listed.write_parquet(week / "risk_list.parquet")
    plan.write_parquet(week / "plan.parquet")
    import_lists(root / "lists", talents.select("talent_id", "id_number", "name", "phone"))

    # Officers work the list: the lottery's winners are offered the extension (the first two
    # accept); in qihe a few more are called or visited, and one lottery loser is called.
    won = plan.filter(pl.col("lottery") == "won").get_column("talent_id").to_list()
    lost = plan.filter(pl.col("lottery") == "lost").get_column("talent_id").to_list()
    county = dict(zip(listed["talent_id"], listed["county"], strict=True))
    admin, qihe = logged_in("city_admin"), logged_in("officer_qihe")
    done: list[tuple[str, str, str]] = []

    def record(client, talent: str, action: str, day: str) -> None:
        response = client.post(
            f"/talents/{talent}/actions/", {"action": action, "action_date": day, "note": "回访"}
        )
        assert response.status_code == 302, (talent, action, response.status_code)
        done.append((talent, action, day))

    for i, talent in enumerate(won):
        client = qihe if county[talent] == "qihe" else admin
        record(client, talent, "extension_offered", "2025-06-09")
        if i < 2:
            record(client, talent, "extension_accepted", "2025-06-20")
    in_qihe = [t for t in listed["talent_id"] if county[t] == "qihe" and t not in won]
    for talent, action in zip(in_qihe[:3], ["called", "visited", "note"], strict=False):
        record(qihe, talent, action, "2025-06-05")
    record(admin, lost[0], "called", "2025-07-01")

    out = root / "ledger.parquet"
    said = cli(web, "ledger", "export", "--out", str(out))
    assert said.returncode == 0, said.stdout
    ledger = pl.read_parquet(out)
    registry = root / "registry"
    synthetic.write_registry(world, registry)
    # The session's database also holds other tests' made-up talents; a city's holds its own only.
    ours = ledger.filter(pl.col("talent_id").is_in(talents["talent_id"].implode()))
    ours.write_parquet(registry / "interventions.parquet")
    backtest = cli(
        web, "backtest", "--data", str(registry), "--lists", str(root / "lists"),
        "--out", str(root / "bt"), "--plans", str(root / "lists"), "--work", str(root / "work"),
    )  # fmt: skip
    assert backtest.returncode == 0, backtest.stdout
    return {
        "root": root, "world": world, "listed": listed, "plan": plan, "won": won, "lost": lost,
        "done": done, "ledger": ledger, "ours": ours, "said": backtest.stdout, "talents": talents,
    }  # fmt: skip


def test_the_exported_ledger_holds_exactly_what_officers_recorded(loop):
    assert loop["ledger"].schema == CONTRACT
    ours = loop["ours"]
    got = sorted(zip(ours["talent_id"], ours["action"], ours["action_date"], strict=True))
    expected = sorted((t, a, date.fromisoformat(d)) for t, a, d in loop["done"])
    assert got == expected
    assert ours["list_as_of"].unique().to_list() == [LIST_DAY]  # each answered the list's week
    assert ours["officer_key"].null_count() == 0
    text = ours.write_csv()
    talents = loop["talents"]
    assert not [n for n in talents["name"].drop_nulls() if n in text]
    assert not [p for p in talents["phone"].drop_nulls() if p in text]


def test_the_backtest_splits_treated_from_untreated_as_the_truth_says(loop):
    from monitor.outcomes import TREATMENTS

    cohorts = pl.read_parquet(loop["root"] / "bt" / "backtest_cohorts.parquet")
    listed = set(loop["listed"]["talent_id"])
    treated = {t for t, a, _ in loop["done"] if a in TREATMENTS}
    assert 5 <= len(treated) < len(listed)
    departures = loop["world"].truth["departures"]
    for h in HORIZONS:
        rows = {
            r["cohort"]: r
            for r in cohorts.filter(
                (pl.col("list_as_of") == LIST_DAY) & (pl.col("horizon_months") == h)
            ).iter_rows(named=True)
        }
        assert set(rows) == {"all", "treated", "untreated"}
        assert all(r["matured"] for r in rows.values())
        assert rows["treated"]["n_scored"] == len(treated)
        assert rows["untreated"]["n_scored"] == len(listed - treated)
        assert rows["treated"]["n_departed"] == len(truly_left(departures, treated, h))
        assert rows["untreated"]["n_departed"] == len(truly_left(departures, listed - treated, h))
    assert rows["all"]["n_departed"] > 20  # the 12-month figures are not of an empty world
    page = (loop["root"] / "bt" / "backtest.html").read_text(encoding="utf-8")
    assert "已采取措施" in page and "未采取措施" in page


def test_the_lottery_outcome_compares_winners_with_losers_from_the_ledger(loop):
    won, lost = set(loop["won"]), set(loop["lost"])
    assert len(won) >= 5 and len(lost) >= 5 and not won & lost
    lottery = pl.read_parquet(loop["root"] / "bt" / "lottery.parquet")
    assert lottery["horizon_months"].to_list() == list(HORIZONS)
    departures = loop["world"].truth["departures"]
    for r in lottery.iter_rows(named=True):
        h = r["horizon_months"]
        assert r["plan_as_of"] == LIST_DAY and r["matured"]
        assert (r["n_won"], r["n_lost"]) == (len(won), len(lost))
        # Every winner was offered (from the ledger), two accepted; the loser was only called.
        assert (r["offered_won"], r["accepted_won"]) == (len(won), 2)
        assert (r["offered_lost"], r["accepted_lost"]) == (0, 0)
        left_won, left_lost = (
            len(truly_left(departures, won, h)),
            len(truly_left(departures, lost, h)),
        )
        assert (r["departed_won"], r["departed_lost"]) == (left_won, left_lost)
        effect = left_lost / len(lost) - left_won / len(won)
        assert r["effect"] == pytest.approx(effect)
        assert r["effect_low"] < effect < r["effect_high"]
    assert lottery.filter(pl.col("horizon_months") == 12)["departed_lost"].item() > 0
    text = loop["said"]
    assert f"lottery {LIST_DAY} 12m matured won={len(won)}" in text
    page = (loop["root"] / "bt" / "backtest.html").read_text(encoding="utf-8")
    assert "补贴延期抽签" in page


def test_the_talent_page_shows_the_draw(loop, client_as):
    admin = client_as("city_admin")  # sees every county's talent
    page = admin.get(f"/talents/{loop['won'][0]}/").content.decode()
    assert "中签" in page and "未中签" not in page
    assert "未中签" in admin.get(f"/talents/{loop['lost'][0]}/").content.decode()


def test_a_missing_plans_folder_is_one_line(loop, web):
    root = loop["root"]
    said = cli(
        web, "backtest", "--data", str(root / "registry"), "--lists", str(root / "lists"),
        "--out", str(root / "bt2"), "--plans", str(root / "nowhere"),
    )  # fmt: skip
    assert said.returncode == 2
    assert "--plans" in said.stderr and "no such folder" in said.stderr
    assert "Traceback" not in said.stderr + said.stdout


def test_the_extract_with_its_ledger_still_ingests(loop):
    from pipeline.extract import load_extract
    from pipeline.settings import Settings

    root = loop["root"]
    extract = load_extract(root / "registry", Settings(work_dir=root / "work2"))
    read_back = extract.tables["interventions"]
    assert read_back.height == loop["ours"].height
    assert set(read_back["talent_id"]) == {t for t, _, _ in loop["done"]}
