"""`retention plan` in-process on the session's trained registry: files, columns, budget, MLflow."""

from __future__ import annotations

from datetime import date

import polars as pl

AS_OF = date(2026, 11, 23)
CONTRACT = [
    "talent_id", "county", "offer_kind", "monthly_yuan", "cost_yuan", "p_leave_12m",
    "p_leave_12m_with_offer", "months_gained", "months_gained_low", "months_gained_high",
    "selected", "rank", "lottery",
]  # fmt: skip


def run_plan(env, out, **kw):
    from pipeline.plan import plan_offers
    from pipeline.plan_request import plan_request
    from pipeline.settings import Settings

    request = plan_request(env["registry"], out, AS_OF, kw.pop("budget"), **kw)
    return plan_offers(request, Settings.from_env())


def test_plan_files_columns_budget_lottery_and_mlflow(pipeline_env, tmp_path):
    import mlflow

    result = run_plan(pipeline_env, tmp_path / "out", budget="300000", lottery_share=0.2, seed=3)
    folder = tmp_path / "out" / AS_OF.isoformat()
    assert result.folder == folder
    assert {p.name for p in folder.iterdir()} >= {"plan.parquet", "plan.xlsx", "plan.html"}
    plan = pl.read_parquet(folder / "plan.parquet")
    assert plan.columns == CONTRACT
    assert plan["talent_id"].is_unique().all() and plan.height == result.figures["eligible"]
    assert plan.filter("selected")["cost_yuan"].sum() <= 300_000
    assert set(plan["lottery"].unique()) <= {"none", "won", "lost"} and (plan["lottery"] != "none").any()
    assert set(plan["offer_kind"].unique()) <= {"extend", "new"}
    # An estimate may say an offer hurts (noisy clock bins on 1,200 talents): never chosen then.
    assert plan.filter("selected")["months_gained"].min() > 0
    html = (folder / "plan.html").read_text(encoding="utf-8")
    assert "补贴要约方案" in html and "<svg" in html and "整组要约测算" in html
    client = mlflow.MlflowClient(pipeline_env["uri"])
    runs = client.search_runs([client.get_experiment_by_name("offer-plan").experiment_id])
    assert runs and runs[0].data.tags["model_version"] == result.figures["model_version"]
    assert runs[0].data.params["lottery_seed"] == "3"


def test_a_budget_over_the_total_cost_selects_everyone_and_says_so(pipeline_env, tmp_path):
    result = run_plan(pipeline_env, tmp_path / "out", budget="1e12", county="德城区")
    assert result.plan["selected"].all() and (result.plan["county"] == "decheng").all()
    assert "covers every offer" in result.text and "all" in result.text
