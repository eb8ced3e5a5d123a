"""`retention demo`: the whole pipeline on a simulated registry, with what to look at after."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import polars as pl
import typer
from sklearn.metrics import roc_auc_score

from flows.score import score_week
from flows.train import train_model
from pipeline.extract import simulate_registry
from pipeline.settings import Settings
from reports.console import console_summary
from runconfig import DEFAULT


def future_quality(risk_list: pl.DataFrame, truth_dir: Path, as_of: date) -> str:
    """How this week's list fares against what the simulator says happens next (its truth)."""
    path = truth_dir / "departures.parquet"
    if not path.is_file() or risk_list.is_empty():
        return "no simulator truth to compare with"
    start = as_of.replace(day=1)
    lines = []
    departures = pl.read_parquet(path).select("talent_id", "first_departure_month")
    joined = risk_list.join(departures, on="talent_id", how="left")
    for months in DEFAULT.horizons:
        horizon_end = pl.lit(start).dt.offset_by(f"{months}mo")
        left = pl.col("first_departure_month").is_not_null() & (
            pl.col("first_departure_month") <= horizon_end  # the window M <= m0 + h
        )
        y = joined.select(left.cast(pl.Int8)).to_series().to_numpy()
        p = joined[f"p_leave_{months}m"].to_numpy()
        if 0 < y.sum() < len(y):
            lines.append(
                f"  {months:>2} months: AUC {roc_auc_score(y, p):.3f}; predicted {p.mean():.1%} leave, "
                f"{y.mean():.1%} do in the simulated future"
            )
    return "\n".join(lines)


def run_demo(out: Path, n_talents: int, as_of: date) -> None:
    """Simulate, train, score as of last Monday; print the top ten, the quality, where to look."""
    started = time.perf_counter()
    registry = out / "registry"
    settings = Settings.from_env()
    if (registry / "talents.parquet").is_file():
        typer.echo(f"Reusing the simulated registry in {registry}")
    else:
        typer.echo(simulate_registry(registry, n_talents, 0, as_of))
    trained = train_model(data=str(registry), as_of=as_of, seed=0)
    typer.echo(trained["text"])
    scored = score_week(
        data=str(registry), out=str(out / "risk_lists"), as_of=as_of, overwrite=True
    )
    folder = Path(scored["folder"])
    risk_list = pl.read_parquet(folder / "risk_list.parquet")
    typer.echo("")
    typer.echo(console_summary(risk_list, "zh"))
    typer.echo("\nThis week's list against the simulator's truth (what happens next):")
    typer.echo(future_quality(risk_list, registry / "truth", as_of))
    html = sorted(folder.glob("*.html"))
    xlsx = sorted(folder.glob("*.xlsx"))
    typer.echo("\nWhere to look:")
    for path in html + xlsx:
        typer.echo(f"  {path.resolve()}")
    typer.echo(
        f"  MLflow UI:  make mlflow-ui  -> http://127.0.0.1:5000  (store {settings.tracking_uri})"
    )
    typer.echo("  Prefect UI: make serve      -> http://127.0.0.1:4200  (deployments and runs)")
    typer.echo(f"\nDemo finished in {time.perf_counter() - started:.0f} s.")
