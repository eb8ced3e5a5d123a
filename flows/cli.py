"""The `retention` command: simulate, ingest, features, train, score, demo."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Talent-attrition pipeline for Dezhou's talent office.",
)


def last_monday(today: date | None = None) -> date:
    """The most recent Monday on or before today (the weekly scoring date)."""
    today = today or date.today()
    return today - timedelta(days=today.weekday())


def _prepare_environment() -> None:
    """Quiet, patient defaults for Prefect and MLflow, unless the caller set them."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the pipeline's expected failures into one line on stderr and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from flows.errors import expected_errors, one_line

        _prepare_environment()
        try:
            return fn(*args, **kwargs)
        except expected_errors() as err:
            typer.echo(f"retention: {one_line(err)}", err=True)
            raise typer.Exit(2) from None

    return wrapper


DateOpt = Annotated[
    str | None, typer.Option("--as-of", help="Snapshot date YYYY-MM-DD (default: last Monday).")
]


def parse_date(value: str | None) -> date:
    """A YYYY-MM-DD (or YYYY/MM/DD) option value, or last Monday when absent."""
    from flows.errors import UsageError

    if value is None:
        return last_monday()
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise UsageError(f"--as-of: '{value}' is not a date (YYYY-MM-DD)") from None


@app.command()
@guarded
def simulate(
    out: Annotated[Path, typer.Option(help="Folder to write the extract and truth/ into.")],
    talents: Annotated[int, typer.Option(help="Number of talents.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    as_of: DateOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or xlsx.")] = "parquet",
    encoding: Annotated[str, typer.Option(help="CSV encoding: utf-8 or gbk.")] = "utf-8",
) -> None:
    """Write a simulated Dezhou registry extract and its ground truth."""
    from flows.run import simulate_registry

    summary = simulate_registry(out, talents, seed, parse_date(as_of), fmt, encoding)
    typer.echo(summary)


@app.command()
@guarded
def ingest(
    data: Annotated[Path, typer.Option(help="The registry extract folder.")],
    work: Annotated[Path | None, typer.Option(help="Working folder (default work/).")] = None,
) -> None:
    """Read and validate an extract; report accepted and quarantined rows."""
    from flows.config import Settings
    from flows.run import describe_ingest, load_extract

    result = load_extract(data, Settings.from_env(work_dir=work))
    typer.echo(describe_ingest(result))


@app.command()
@guarded
def features(
    data: Annotated[Path, typer.Option(help="The registry extract folder.")],
    out: Annotated[Path, typer.Option(help="Parquet (or .csv) file to write the snapshot to.")],
    as_of: DateOpt = None,
    work: Annotated[Path | None, typer.Option(help="Working folder (default work/).")] = None,
) -> None:
    """Write the scoring snapshot (features as known at --as-of) to a file."""
    from flows.config import Settings
    from flows.run import write_scoring_features

    typer.echo(
        write_scoring_features(data, parse_date(as_of), out, Settings.from_env(work_dir=work))
    )


@app.command()
@guarded
def train(
    data: Annotated[Path, typer.Option(help="The registry extract folder.")],
    as_of: DateOpt = None,
    truth: Annotated[
        Path | None,
        typer.Option(help="Simulator truth for evaluation (default DATA/truth if present)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    work: Annotated[Path | None, typer.Option(help="Working folder (default work/).")] = None,
) -> None:
    """Train, evaluate out-of-time, log to MLflow and promote through the gate (a Prefect flow)."""
    from flows.train import train_model

    summary = train_model(
        data=str(data),
        as_of=parse_date(as_of),
        truth=str(truth) if truth else None,
        seed=seed,
        work=str(work) if work else None,
    )
    typer.echo(summary["text"])


@app.command()
@guarded
def score(
    data: Annotated[Path, typer.Option(help="The registry extract folder.")],
    out: Annotated[
        Path, typer.Option(help="Folder for the risk lists (one sub-folder per as-of).")
    ],
    as_of: DateOpt = None,
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    county: Annotated[str | None, typer.Option(help="Write one county's files only.")] = None,
    contacts: Annotated[bool, typer.Option(help="Join contact details into the workbook.")] = True,
    overwrite: Annotated[bool, typer.Option(help="Replace a finished run for this date.")] = False,
    work: Annotated[Path | None, typer.Option(help="Working folder (default work/).")] = None,
) -> None:
    """Score every talent present at --as-of with the champion model and write the risk list."""
    from flows.score import score_week

    summary = score_week(
        data=str(data),
        out=str(out),
        as_of=parse_date(as_of),
        lang=lang,
        county=county,
        contacts=contacts,
        overwrite=overwrite,
        work=str(work) if work else None,
    )
    typer.echo(summary["text"])


@app.command()
@guarded
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo registry and outputs.")] = Path(
        "demo"
    ),
    talents: Annotated[int, typer.Option(help="Number of simulated talents.")] = 20_000,
) -> None:
    """Simulate, ingest, train, score as of last Monday, and show the top ten and where to look."""
    from flows.demo import run_demo

    run_demo(out, talents, last_monday())


def main() -> None:
    """Entry point for `python -m flows.cli`."""
    app()


if __name__ == "__main__":
    sys.exit(main())
