"""`retention monitor`: this week's drift, the backtest of every list, the retrain rule.

Reads the champion's facts (version, out-of-time AUC, drift reference) through
models/registry.py, this week's published list (its scores), the extract (this week's
snapshot, and the outcomes of past lists as known at --as-of); writes OUT/<as-of>/ and logs
one MLflow run per week in `talent-attrition-monitor`.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import polars as pl

from features.snapshots import scoring_snapshot
from monitor.drift import compare_to_reference, expected_departures
from monitor.monitor_page import render_monitor
from monitor.trigger import RetrainDecision, decide_retrain
from pipeline.backtest import _replace, compute_backtest, plan_lottery, read_lists, write_backtest
from pipeline.errors import UsageError
from pipeline.extract import load_for
from pipeline.settings import Settings


@dataclass(frozen=True)
class MonitorResult:
    """The week's decision, its drift table and where the files are."""

    decision: RetrainDecision
    drift: pl.DataFrame
    folder: Path
    champion_version: str
    skipped: list[str]

    @property
    def text(self) -> str:
        """What the command prints."""
        drifted = self.drift.filter(pl.col("drifted")) if self.drift.height else self.drift
        lines = [
            f"champion v{self.champion_version}; {drifted.height} of {self.drift.height} "
            "features and scores drifted"
            + (": " + ", ".join(drifted.get_column("feature").head(8)) if drifted.height else ""),
            self.decision.text,
        ]
        lines += [f"skipped: {s}" for s in self.skipped]
        return "\n".join(lines + [str(self.folder)])


def champion_facts(tracking_uri: str):
    """The champion's version, out-of-time metrics and drift reference."""
    from models.registry import champion_facts as facts  # heavy: imports MLflow

    return facts(tracking_uri)


def read_week_list(lists_dir: Path, as_of: date) -> pl.DataFrame:
    """This week's published city-wide list (everyone scored, with their probabilities)."""
    path = lists_dir / as_of.isoformat() / "risk_list.parquet"
    if not path.is_file():
        raise UsageError(
            f"--lists: no list of {as_of} ({path}); run `retention score --as-of {as_of}` first"
        )
    try:
        return pl.read_parquet(path)
    except Exception as err:  # polars raises several kinds for a damaged file
        first = (str(err).splitlines() or [""])[0][:100]
        raise UsageError(f"{path}: cannot be read as Parquet ({first})") from None


def week_drift(
    extract, week: pl.DataFrame, reference: dict | None, as_of: date, settings: Settings
):
    """This week's snapshot and list scores against the champion's training reference."""
    if reference is None:
        return pl.DataFrame()
    m = settings.run.monitor
    snapshot = scoring_snapshot(extract.tables, as_of, settings.run.time_rules)
    probs = [c for c in week.columns if c.startswith("p_leave_")]
    return compare_to_reference(
        reference, snapshot, week.select(probs), m.psi_threshold, m.noise_quantile,
        m.null_share_min, m.top_features,
    )  # fmt: skip


def backtest_week(extract, lists_dir: Path, as_of: date, settings: Settings, n_boot: int):
    """Every published list up to `as_of` against the extract as known at `as_of`."""
    lists = read_lists(lists_dir, as_of, settings.run.horizons)
    figures, groups, outcomes = compute_backtest(extract.tables, lists, as_of, settings, n_boot)
    return lists, figures, groups, outcomes


def decide(figures, drift, facts, as_of: date, settings: Settings) -> RetrainDecision:
    """The retrain rule on this week's figures (monitor/trigger.py)."""
    aucs = {
        h: facts.metrics[f"model_auc_{h}m"]
        for h in settings.run.horizons
        if f"model_auc_{h}m" in facts.metrics
    }
    last = date.fromisoformat(facts.last_trained) if facts.last_trained else None
    decision = decide_retrain(
        figures, drift, facts.version, aucs, last, as_of, settings.run.monitor.fallback_months
    )
    if facts.drift_reference is None:
        decision.checks.append(f"(c) champion v{facts.version} has no drift reference stored")
    return decision


def headline_metrics(figures: pl.DataFrame, drift: pl.DataFrame, decision) -> dict[str, float]:
    """The figures logged to MLflow: PSI per feature and score, the latest matured AUCs, the rule."""
    out: dict[str, float] = {"retrain": float(decision.fire)}
    for r in drift.iter_rows(named=True) if drift.height else []:
        out[f"psi_{r['feature']}"] = r["psi"]
    if drift.height:
        out["n_drifted"] = float(drift.get_column("drifted").sum())
    allf = figures.filter((pl.col("cohort") == "all") & pl.col("matured"))
    for h, part in allf.group_by("horizon_months"):
        last = part.sort("list_as_of").row(-1, named=True)
        out[f"realized_auc_{h[0]}m"] = last["auc"]
        out[f"realized_rate_{h[0]}m"] = last["realized_rate"]
    return out


def write_monitor(
    folder: Path, drift, expected, decision, week_day, facts, lang, figures, groups, settings
):
    """drift.parquet, expected.parquet, retrain.json, monitor.html in the week's folder."""
    folder.mkdir(parents=True, exist_ok=True)
    if drift.height:
        _replace(drift, folder / "drift.parquet")
    _replace(expected, folder / "expected.parquet")
    body = json.dumps({**asdict(decision), "champion_version": facts.version}, ensure_ascii=False)
    _replace(body, folder / "retrain.json")
    run = settings.run
    page = render_monitor(
        drift, expected, decision, figures, groups, week_day, facts.version, lang,
        run.headline_horizon, run.monitor.top_features,
    )  # fmt: skip
    _replace(page, folder / "monitor.html")


def log_week(settings: Settings, as_of: date, facts, metrics, decision, folder: Path) -> str:
    """One MLflow run for the week, tagged with the champion's version, files as artifacts."""
    from models.registry import log_monitor_run  # heavy: imports MLflow

    mlflow_log = logging.getLogger("mlflow")
    level = mlflow_log.level
    mlflow_log.setLevel(logging.ERROR)
    tags = {
        "retrain.decision": "retrain" if decision.fire else "keep",
        "retrain.reasons": "; ".join(decision.reasons)[:5000] or "none",
        "retrain.checks": "; ".join(decision.checks)[:5000],
    }
    try:
        with warnings.catch_warnings(record=True):
            return log_monitor_run(
                settings.tracking_uri, as_of.isoformat(), facts.version, metrics, tags, folder
            )
    finally:
        mlflow_log.setLevel(level)


def run_monitor(
    data: Path, as_of: date, lists_dir: Path, out: Path, settings: Settings, lang: str = "zh",
    n_boot: int = 200,
) -> MonitorResult:  # fmt: skip
    """Drift of the week, backtests of every list, the retrain rule; files in OUT/<as-of>/."""
    facts = champion_facts(settings.tracking_uri)
    week = read_week_list(lists_dir, as_of)
    extract = load_for(data, settings, as_of)
    drift = week_drift(extract, week, facts.drift_reference, as_of, settings)
    lists, figures, groups, outcomes = backtest_week(extract, lists_dir, as_of, settings, n_boot)
    expected = expected_departures(week, settings.run.horizons, settings.run.capacity)
    decision = decide(figures, drift, facts, as_of, settings)
    folder = out / as_of.isoformat()
    lottery, plan_skipped = plan_lottery(extract.tables, lists_dir, as_of, settings)
    skipped = lists.skipped + plan_skipped
    write_backtest(figures, groups, outcomes, skipped, folder, as_of, settings, lang, lottery)
    write_monitor(folder, drift, expected, decision, as_of, facts, lang, figures, groups, settings)
    log_week(settings, as_of, facts, headline_metrics(figures, drift, decision), decision, folder)
    return MonitorResult(decision, drift, folder, facts.version, skipped)
