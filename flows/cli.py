"""The `retention` command: check the arguments, build the configuration, run the pipeline.

Every argument is checked before any server, store or data work starts. Prefect and MLflow
are imported only by the commands that use them, after the checks: importing them takes
seconds, and a mistyped option should be refused at once.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline import checks
from pipeline.errors import UsageError, expected_error, one_line

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Talent-attrition pipeline for Dezhou's talent office.",
)


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
        _prepare_environment()
        try:
            return fn(*args, **kwargs)
        except Exception as err:
            said = expected_error(err)
            if said is None:
                raise  # a bug of ours: the traceback is for us
            typer.echo(f"retention: {one_line(said)}", err=True)
            raise typer.Exit(2) from None

    return wrapper


def settings(work: Path | None, **run: Any):
    """The run's settings from the environment, the working folder checked."""
    from pipeline.settings import Settings
    from runconfig import RunConfig, TrainParams

    if work is not None:
        checks.check_work(work)
    config = RunConfig(train=TrainParams(**run)) if run else None
    return Settings.from_env(work_dir=work, run=config)


def check_extract(data: Path, run, as_of) -> None:
    """Validate the extract and its cover of `as_of` before a flow (and its server) starts.

    The ingest is cached by the files' digest, so the flow's own ingest step reads it back.
    """
    from pipeline.extract import load_for  # heavy: pandera, pandas

    load_for(data, run, as_of)


DateOpt = Annotated[
    str | None, typer.Option("--as-of", help="Snapshot date YYYY-MM-DD (default: last Monday).")
]
DataOpt = Annotated[Path, typer.Option(help="The registry extract folder.")]
WorkOpt = Annotated[Path | None, typer.Option(help="Working folder (default work/).")]


@app.command()
@guarded
def simulate(
    out: Annotated[Path, typer.Option(help="Folder to write the extract and truth/ into.")],
    talents: Annotated[int, typer.Option(help="Number of talents.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    as_of: DateOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or xlsx.")] = "parquet",
    encoding: Annotated[str, typer.Option(help="CSV encoding: utf-8 or gbk.")] = "utf-8",
    variant: Annotated[
        str | None,
        typer.Option(
            help="World variant: an integer (mechanism strengths drawn from the ranges in "
            "docs/simulator.md; 0 is the default world) or a JSON file of HazardParams fields."
        ),
    ] = None,
    also_at: Annotated[
        list[str] | None,
        typer.Option("--also-at", help="Also write the same world's extract at this earlier date."),
    ] = None,
) -> None:
    """Write a simulated Dezhou registry extract and its ground truth."""
    day = checks.check_date(as_of)
    earlier = tuple(checks.check_date(d, "--also-at") for d in also_at or ())
    for d in earlier:
        if d >= day:
            raise UsageError(f"--also-at {d} is not before --as-of {day}")
    checks.check_choice(fmt, checks.FORMATS, "--format")
    if encoding.lower() not in checks.ENCODINGS:
        checks.check_choice(encoding, ("utf-8", "gbk", "gb18030"), "--encoding")
    checks.check_positive(talents, "--talents")
    checks.check_out_folder(out)
    from pipeline.extract import simulate_registry  # heavy: pandera, pandas

    checks.check_variant(variant)
    encoded = checks.ENCODINGS[encoding.lower()]
    typer.echo(simulate_registry(out, talents, seed, day, fmt, encoded, variant, earlier))


@app.command()
@guarded
def ingest(data: DataOpt, work: WorkOpt = None) -> None:
    """Read and validate an extract; report accepted and quarantined rows."""
    checks.check_data(data)
    run = settings(work)
    from pipeline.extract import describe_ingest, load_extract  # heavy: pandera, pandas

    typer.echo(describe_ingest(load_extract(data, run)))


@app.command()
@guarded
def features(
    data: DataOpt,
    out: Annotated[Path, typer.Option(help="Parquet (or .csv) file to write the snapshot to.")],
    as_of: DateOpt = None,
    work: WorkOpt = None,
) -> None:
    """Write the scoring snapshot (features as known at --as-of) to a file."""
    checks.check_data(data)
    day = checks.check_date(as_of)
    checks.check_out_file(out)
    run = settings(work)
    from pipeline.extract import write_scoring_features  # heavy: pandera, pandas

    typer.echo(write_scoring_features(data, day, out, run))


@app.command()
@guarded
def train(
    data: DataOpt,
    as_of: DateOpt = None,
    truth: Annotated[
        Path | None,
        typer.Option(help="Simulator truth for evaluation (default DATA/truth if present)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    work: WorkOpt = None,
    floors: Annotated[
        bool,
        typer.Option(
            "--floors/--no-floors",
            help="A first champion must pass the gate's absolute floors (ECE, beating the "
            "baselines); --no-floors is for tiny test registries.",
        ),
    ] = True,
) -> None:
    """Train, evaluate out-of-time, log to MLflow and promote through the gate (a Prefect flow)."""
    from pipeline.requests import train_request
    from runconfig import GateFloors

    request = train_request(data, as_of, truth)
    run = settings(work, seed=seed)
    if not floors:
        gate = GateFloors(enforce=False)
        run = run.model_copy(update={"run": run.run.model_copy(update={"gate": gate})})
    check_extract(request.data, run, request.as_of)
    from flows.errors import prepare_prefect  # heavy: Prefect
    from flows.train import train_model

    prepare_prefect()
    summary = train_model(
        data=str(request.data),
        as_of=request.as_of,
        truth=str(request.truth) if request.truth else None,
        work=str(run.work_dir),
        config=run.run,
    )
    typer.echo(summary["text"])


@app.command()
@guarded
def score(
    data: DataOpt,
    out: Annotated[
        Path, typer.Option(help="Folder for the risk lists (one sub-folder per as-of).")
    ],
    as_of: DateOpt = None,
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    county: Annotated[
        str | None, typer.Option(help="One county only: its code or name (qihe, 齐河县, 齐河).")
    ] = None,
    contacts: Annotated[bool, typer.Option(help="Join contact details into the workbook.")] = True,
    overwrite: Annotated[bool, typer.Option(help="Replace a finished run for this date.")] = False,
    work: WorkOpt = None,
) -> None:
    """Score every talent present at --as-of with the champion model and write the risk list."""
    from pipeline.requests import score_request

    request = score_request(data, out, as_of, lang, county, contacts, overwrite)
    run = settings(work)
    check_extract(request.data, run, request.as_of)
    from flows.errors import prepare_prefect  # heavy: Prefect
    from flows.score import score_week

    prepare_prefect()
    summary = score_week(
        data=str(request.data),
        out=str(request.out),
        as_of=request.as_of,
        lang=request.lang,
        county=request.county,
        contacts=request.contacts,
        overwrite=request.overwrite,
        work=str(run.work_dir),
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
    checks.check_out_folder(out)
    checks.check_positive(talents, "--talents")
    from flows.demo import run_demo  # heavy: Prefect and MLflow
    from flows.errors import prepare_prefect

    prepare_prefect()
    run_demo(out, talents, checks.last_monday())


# --- monitoring (issue 15): backtest of published lists, weekly monitor -------------------


@app.command()
@guarded
def backtest(
    data: Annotated[Path, typer.Option(help="A later registry extract (the outcomes).")],
    lists: Annotated[Path, typer.Option(help="The folder `score` published its lists into.")],
    out: Annotated[Path, typer.Option(help="Folder for backtest.parquet, outcomes, HTML.")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The extract's date (default: when its last month is known)."),
    ] = None,
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    plans: Annotated[
        Path | None,
        typer.Option(
            help="Folder of `retention plan` outputs whose lotteries to judge (default: --lists)."
        ),
    ] = None,
    work: WorkOpt = None,
) -> None:
    """How right were past lists: outcomes, AUC with intervals, precision, calibration; and
    the outcome of each offer plan's lottery (winners against losers)."""
    checks.check_data(data)
    checks.check_lists(lists)
    if plans is not None and not plans.is_dir():
        raise UsageError(f"--plans: {plans}: no such folder of offer plans")
    day = checks.check_date(as_of) if as_of is not None else None
    checks.check_choice(lang, checks.LANGS, "--lang")
    checks.check_out_folder(out)
    run = settings(work)
    from pipeline.backtest import run_backtest  # heavy: pandera, sklearn

    typer.echo(run_backtest(data, lists, out, run, day, lang, plans_dir=plans).text)


@app.command()
@guarded
def monitor(
    data: DataOpt,
    lists: Annotated[Path, typer.Option(help="The folder `score` published its lists into.")],
    out: Annotated[
        Path, typer.Option(help="Folder for OUT/<as-of>/ drift, backtest, monitor.html.")
    ],
    as_of: DateOpt = None,
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    work: WorkOpt = None,
) -> None:
    """This week's drift, the backtest of every list, and whether to retrain (logged to MLflow)."""
    checks.check_data(data)
    checks.check_lists(lists)
    day = checks.check_date(as_of)
    checks.check_choice(lang, checks.LANGS, "--lang")
    checks.check_out_folder(out)
    run = settings(work)
    from pipeline.monitor import run_monitor  # heavy: pandera, sklearn, MLflow

    typer.echo(run_monitor(data, day, lists, out, run, lang).text)


# --- offer planning (issue 16) ------------------------------------------------------------


@app.command()
@guarded
def plan(
    data: DataOpt,
    budget: Annotated[str, typer.Option(help="Budget in yuan for all offers.")],
    out: Annotated[Path, typer.Option(help="Folder for the plans (one sub-folder per as-of).")],
    as_of: DateOpt = None,
    months: Annotated[int, typer.Option(help="Months each offer pays.")] = 12,
    new_monthly: Annotated[
        str, typer.Option(help="Yuan a month for a talent with no periodic subsidy.")
    ] = "500",
    county: Annotated[str | None, typer.Option(help="One county only: its code or name.")] = None,
    budget_per_county: Annotated[
        Path | None, typer.Option(help="CSV county,budget_yuan: each county's own budget.")
    ] = None,
    lottery_share: Annotated[
        float, typer.Option(help="Share of the borderline offers drawn by a seeded lottery.")
    ] = 0.0,
    seed: Annotated[int, typer.Option(help="Lottery and interval seed.")] = 0,
    estimator: Annotated[str, typer.Option(help="hazard or s-learner.")] = "hazard",
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    overwrite: Annotated[bool, typer.Option(help="Replace a finished plan for this date.")] = False,
    work: WorkOpt = None,
) -> None:
    """Choose whom to offer a subsidy extension within a budget, and what a policy would buy."""
    from pipeline.plan_request import plan_request

    request = plan_request(
        data, out, as_of, budget, months, new_monthly, county, budget_per_county,
        lottery_share, seed, estimator, lang, overwrite,
    )  # fmt: skip
    run = settings(work)
    from pipeline.plan import plan_offers  # heavy: models, MLflow

    typer.echo(plan_offers(request, run).text)


# --- The officers' workspace (issue 17): users, web, ledger. Django is imported only here. ---
users_app = typer.Typer(no_args_is_help=True, help="Officer accounts of the workspace.")
web_app = typer.Typer(help="The officers' workspace: serve it, or import published lists.")
ledger_app = typer.Typer(no_args_is_help=True, help="The officers' action ledger.")
app.add_typer(users_app, name="users")
app.add_typer(web_app, name="web")
app.add_typer(ledger_app, name="ledger")


def _django():
    from workspace.boot import setup_django

    setup_django()


@users_app.command("add")
@guarded
def users_add(
    username: Annotated[str, typer.Argument(help="The login name.")],
    county: Annotated[str | None, typer.Option(help="The officer's county: code or name.")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Sees every county.")] = False,
) -> None:
    """Add an officer (or an admin); the password is read from standard input."""
    code = checks.check_county(county)
    password = sys.stdin.readline().rstrip("\r\n")
    _django()
    from workspace.accounts import add_user

    typer.echo(add_user(username, code, password, admin))


@users_app.command("list")
@guarded
def users_list() -> None:
    """List the workspace's accounts."""
    _django()
    from workspace.accounts import list_users

    typer.echo(list_users())


@web_app.callback(invoke_without_command=True)
@guarded
def web(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the workspace with waitress (database from DATABASE_URL, else SQLite in work/)."""
    if ctx.invoked_subcommand is not None:
        return
    checks.check_positive(port, "--port")
    from workspace.serve import serve

    serve(host, port)


@web_app.command("import")
@guarded
def web_import(
    lists: Annotated[Path, typer.Option(help="The folder of published lists (score --out).")],
    data: Annotated[
        Path | None, typer.Option(help="The extract scored: contacts and subsidy timeline.")
    ] = None,
    work: WorkOpt = None,
) -> None:
    """Import every published week not yet in the workspace (re-importing is a no-op)."""
    if data is not None:
        checks.check_data(data)
    from pipeline.workspace import import_published

    typer.echo(import_published(lists, data, settings(work) if data is not None else None))


@ledger_app.command("export")
@guarded
def ledger_export(
    out: Annotated[Path, typer.Option(help="The interventions file: .parquet or .csv.")],
) -> None:
    """Write the contract's interventions table (no names, no phones)."""
    checks.check_out_file(out)
    from pipeline.workspace import export_interventions

    typer.echo(export_interventions(out))


def main() -> None:
    """Entry point for `python -m flows.cli`."""
    app()


if __name__ == "__main__":
    sys.exit(main())
