"""`retention backtest`: read published lists and a later extract, write the backtest files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from features.coverage import reported_from
from features.timeline import last_known_month, month_index_expr, month_start
from monitor.backtest import LIST_COLUMNS, backtest_figures, scored_outcomes
from monitor.lottery import lottery_outcomes, read_plans
from monitor.outcomes import list_outcomes, treated_talents
from monitor.page import render_backtest
from pipeline.errors import UsageError
from pipeline.extract import load_extract
from pipeline.settings import Settings

# backtest.parquet: the contract's columns (section 5), for everyone (cohort `all`).
CONTRACT_COLUMNS = (
    "list_as_of", "horizon_months", "matured", "n_scored", "n_departed", "auc", "auc_low",
    "auc_high", "average_precision", "precision_top_5pct", "predicted_rate", "realized_rate", "ece",
)  # fmt: skip


@dataclass(frozen=True)
class Lists:
    """The readable lists (one frame) and a stated reason for every list left out."""

    frame: pl.DataFrame
    skipped: list[str]


def _list_files(out: Path) -> list[tuple[Path, bool]]:
    """(folder, is_county_run) for OUT/<date>/ and OUT/<county>/<date>/ folders."""
    found = []
    for child in sorted(out.iterdir()) if out.is_dir() else []:
        if not child.is_dir() or child.name.startswith("."):
            continue
        if _as_date(child.name) is not None:
            found.append((child, False))
            continue
        found += [(g, True) for g in sorted(child.iterdir()) if g.is_dir() and _as_date(g.name)]
    return found


def _as_date(name: str) -> date | None:
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


def read_one(folder: Path, extract_date: date, horizons: tuple[int, ...]) -> pl.DataFrame | str:
    """The list in `folder`, or why it is left out (one line naming the file)."""
    path = folder / "risk_list.parquet"
    if not path.is_file():
        return f"{folder}: no risk_list.parquet (not a list folder written by `retention score`)"
    try:
        frame = pl.read_parquet(path)
    except Exception as err:  # polars raises several kinds for a damaged file
        first = (str(err).splitlines() or [""])[0][:120]
        return f"{path}: cannot be read as Parquet (truncated or damaged: {first})"
    probs = [f"p_leave_{h}m" for h in horizons if f"p_leave_{h}m" in frame.columns]
    missing = [c for c in LIST_COLUMNS if c not in frame.columns]
    if missing or not probs:
        what = ", ".join(missing + ([] if probs else ["p_leave_<h>m"]))
        return f"{path}: missing columns {what} (a list of another layout)"
    day = _as_date(folder.name)
    days = frame.get_column("as_of").cast(pl.Date, strict=False).unique().to_list()
    if days != [day]:
        return f"{path}: column as_of holds {days}, not the folder's date {day}"
    if day > extract_date:
        return f"{path}: list as_of {day} is after the extract's date {extract_date}"
    if frame.get_column("talent_id").is_duplicated().any():
        return f"{path}: column talent_id repeats a talent"
    keep = [*LIST_COLUMNS, *probs]
    return frame.select(pl.col(keep).exclude("as_of"), pl.col("as_of").cast(pl.Date)).with_columns(
        pl.col("model_version").cast(pl.String), pl.col("risk_tier").cast(pl.String)
    )


def read_lists(out: Path, extract_date: date, horizons: tuple[int, ...]) -> Lists:
    """Every list under OUT; a county run is left out when the city-wide list of its date exists."""
    folders = _list_files(out)
    if not folders:
        raise UsageError(
            f"--lists {out}: no list folders (expected {out}/<YYYY-MM-DD>/risk_list.parquet)"
        )
    frames, skipped, city_days = [], [], {f.name for f, county in folders if not county}
    for folder, county in folders:
        if county and folder.name in city_days:
            skipped.append(f"{folder}: a county run; the city-wide list of {folder.name} is used")
            continue
        got = read_one(folder, extract_date, horizons)
        if isinstance(got, str):
            skipped.append(got)
        else:
            frames.append(got)
    if not frames:
        later = [s for s in skipped if "is after the extract" in s]
        if later and len(later) == len(skipped):
            raise UsageError(
                f"--data: the extract ({extract_date}) is earlier than every list under {out}; "
                "a backtest needs a later extract"
            )
        raise UsageError(f"--lists {out}: no readable list; {skipped[0]}")
    frame = pl.concat(frames, how="diagonal_relaxed")
    return Lists(frame, skipped)


def extract_date_of(social_insurance: pl.DataFrame, settings: Settings) -> date:
    """The earliest date at which the extract's last contribution month is known."""
    last = social_insurance.select(month_index_expr("month").max()).item()
    if last is None:
        raise UsageError("social_insurance: no accepted contribution rows, nothing to backtest")
    return reported_from(int(last), settings.run.time_rules)


@dataclass(frozen=True)
class BacktestResult:
    """The written files' figures and the lists left out."""

    figures: pl.DataFrame
    outcomes: pl.DataFrame
    skipped: list[str]
    folder: Path
    lottery: pl.DataFrame | None = None

    @property
    def text(self) -> str:
        """What the command prints."""
        head = self.figures.filter(pl.col("cohort") == "all")
        lines = [
            f"{r['list_as_of']} {r['horizon_months']:>2}m "
            f"{'matured' if r['matured'] else 'partial'} n={r['n_scored']} left={r['n_departed']} "
            f"AUC={_num(r['auc'])}"
            for r in head.iter_rows(named=True)
        ]
        if self.lottery is not None:
            lines += [
                f"lottery {r['plan_as_of']} {r['horizon_months']:>2}m "
                f"{'matured' if r['matured'] else 'partial'} won={r['n_won']} "
                f"(offered {r['offered_won']}, left {r['departed_won']}) lost={r['n_lost']} "
                f"(offered {r['offered_lost']}, left {r['departed_lost']}) "
                f"prevented={_num(r['effect'])} [{_num(r['effect_low'])}, {_num(r['effect_high'])}]"
                for r in self.lottery.iter_rows(named=True)
            ]
        lines += [f"skipped: {s}" for s in self.skipped]
        return "\n".join(lines + [f"{self.folder}"])


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def compute_backtest(
    tables: dict[str, pl.DataFrame], lists: Lists, extract_date: date, settings: Settings,
    n_boot: int = 200,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """(figures of every cohort, per-group rates, outcomes) of the lists against the extract."""
    run = settings.run
    outcomes = list_outcomes(
        lists.frame, tables["social_insurance"], extract_date, run.horizons, run.time_rules
    )
    scored = scored_outcomes(lists.frame, outcomes, run.horizons)
    acts = tables.get("interventions")
    treated = (
        treated_talents(acts, lists.frame, run.horizons)
        if acts is not None and acts.height
        else None
    )
    figures, groups = backtest_figures(scored, treated, run.capacity, n_boot, run.train.seed)
    return figures, groups, outcomes


def _replace(frame_or_text, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    if isinstance(frame_or_text, str):
        tmp.write_text(frame_or_text, encoding="utf-8")
    else:
        frame_or_text.write_parquet(tmp)
    os.replace(tmp, path)


def write_backtest(
    figures, groups, outcomes, skipped, out: Path, extract_date: date, settings: Settings, lang: str,
    lottery: pl.DataFrame | None = None,
) -> None:  # fmt: skip
    """backtest.parquet, backtest_cohorts.parquet, backtest_groups.parquet, outcomes.parquet,
    lottery.parquet (when a plan drew a lottery), html."""
    out.mkdir(parents=True, exist_ok=True)
    if lottery is not None:
        _replace(lottery, out / "lottery.parquet")
    rules = settings.run.time_rules
    _replace(
        figures.filter(pl.col("cohort") == "all").select(
            *CONTRACT_COLUMNS, pl.exclude(*CONTRACT_COLUMNS, "cohort")
        ),
        out / "backtest.parquet",
    )
    _replace(figures, out / "backtest_cohorts.parquet")
    _replace(groups, out / "backtest_groups.parquet")
    _replace(
        outcomes.select("list_as_of", "talent_id", "horizon_months", "departed"),
        out / "outcomes.parquet",
    )
    page = render_backtest(
        figures,
        groups,
        skipped,
        extract_date,
        month_start(last_known_month(extract_date, rules)),
        rules.gap_months,
        settings.run.headline_horizon,
        lang,
        lottery,
    )
    _replace(page, out / "backtest.html")


def plan_lottery(
    tables: dict[str, pl.DataFrame], plans_dir: Path, extract_date: date, settings: Settings
) -> tuple[pl.DataFrame | None, list[str]]:
    """The lottery outcome of every plan under `plans_dir` that drew one (None if none did), and
    a line for each plan left out."""
    drawn, skipped = read_plans(plans_dir, extract_date)
    if not drawn.height:
        return None, skipped
    run = settings.run
    return lottery_outcomes(
        drawn, tables["social_insurance"], tables.get("interventions"), extract_date,
        run.horizons, run.time_rules,
    ), skipped  # fmt: skip


def run_backtest(
    data: Path, lists_dir: Path, out: Path, settings: Settings, extract_date: date | None = None,
    lang: str = "zh", n_boot: int = 200, plans_dir: Path | None = None,
) -> BacktestResult:  # fmt: skip
    """Backtest every list under `lists_dir` against the extract `data`; write into `out`.

    Offer plans with a lottery (`<date>/plan.parquet` under `plans_dir`, by default the lists
    folder, where the workspace reads them too) get their draw's outcome: winners against losers.
    """
    extract = load_extract(data, settings, extract_date)
    day = extract_date or extract_date_of(extract.tables["social_insurance"], settings)
    lists = read_lists(lists_dir, day, settings.run.horizons)
    figures, groups, outcomes = compute_backtest(extract.tables, lists, day, settings, n_boot)
    lottery, plan_skipped = plan_lottery(extract.tables, plans_dir or lists_dir, day, settings)
    skipped = lists.skipped + plan_skipped
    write_backtest(figures, groups, outcomes, skipped, out, day, settings, lang, lottery)
    return BacktestResult(figures, outcomes, skipped, out, lottery)
