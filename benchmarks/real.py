"""Real people: Babushkin's "Employee Turnover" data set mapped into the contract (issue 14).

    uv run python -m benchmarks.real [--csv /work/data/turnover.csv] [--seeds 0,1,2,3,4]
        [--configs shipped,...] [--survival-rows 20000] [--out benchmarks/results.md]

The data set: 1,129 employees in survival form, `stag` (tenure, months), `event` (1 = left),
and 14 attributes (gender, age, industry, profession, traffic, coach, head_gender, greywage,
way, extraversion, independ, selfcontrol, anxiety, novator). Its licence is unclear, so the
CSV is not in the repository: the bench reads it from `--csv` and says where to get it.

The mapping (`map_turnover`), one registry extract per seed, as of 2026-06-30:

- talents: one per row (the data's duplicated rows stay separate talents, as published). The
  14 attributes are `x_*` columns as they are: text as text (whitespace trimmed), numbers as
  numbers. `x_gender` and `x_head_gender` are protected by name (features/protected.py: the
  token "gender"), so, as for any city, only the fairness audit reads them; the talent's own
  gender is also the contract's `gender` column (M/F). What the data lacks is one neutral
  constant for everyone: education bachelor, hometown dezhou, program graduate_gathering,
  county decheng. `birth_date` reads `age` as the age at arrival: the data does not say when
  it was measured, and reading it as the age at the end of the tenure would let x_age minus
  the snapshot's age tell the months left, a leak.
- employers: one per industry (the data's only grouping of people into workplaces, so the
  employer context features see colleagues, as in a registry; one employer per employee
  would make them constant). Industry codes map to the nearest contract code (INDUSTRY);
  State is state_owned, the rest private.
- social_insurance: one contribution a month (a constant base of 6,000 yuan: the data has no
  pay) from the arrival month for L = max(1, round(stag)) months. A leaver's last paid month
  is A + L - 1, so their first departure (contract section 1: paid in M-1, nothing in M..M+2)
  is M = A + L, i.e. tenure L; a stayer pays up to the extract's last known month and never
  departs. `check_mapping` asserts exactly that through the features' own timeline code.
- arrivals: a stayer arrived L months before the extract's last known month (their tenure
  ends at the extract). A leaver's arrival month is drawn uniformly (the seed) from the 192
  months (steady hiring over 16 years; the longest tenure is 179 months) that let the
  departure be confirmed by the extract. The seed moves leavers in calendar time, so it also
  decides who falls in which time block: five seeds are five out-of-time splits.
- policies: one neutral policy; subsidies: the data has none, and the reader wants a row,
  so each talent has a neutral grant: a zero lump sum on the arrival day, ended that day
  (no running grant, no periodic subsidy, no clawback at any snapshot).

Per seed and horizon the bench trains the real pipeline (`train_attrition_model` on the
extract's `training_snapshots`, exactly as `benchmarks.small`; the gate's floors belong to
registration, not to this training), and on the same training snapshots and out-of-time
test block: RandomSurvivalForest and CoxPHFitter (`benchmarks.small.judge_horizon`) and a
plain LightGBM (`benchmarks.worlds.plain_lightgbm_scores`). Reported: AUC mean +- sd over the
seeds, and ECE. `--configs` adds prototype configurations of ours (CONFIGS: RunConfig /
TrainParams options, models/ untouched) for the diagnosis.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.report import write_section

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = Path("/work/data/turnover.csv")
SOURCE = (
    'Edward Babushkin\'s "Employee Turnover" data set (turnover.csv, 1,129 rows; e.g. the '
    "GitHub repository tomter82/Survival-turnover-analysis)"
)
AS_OF = date(2026, 6, 30)
HIRING_MONTHS = 192  # steady hiring over 16 years: every tenure (<= 179 months) fits
BASE_YUAN = 6_000.0
TEXT = ("gender", "industry", "profession", "traffic", "coach", "head_gender", "greywage", "way")
NUMBERS = ("age", "extraversion", "independ", "selfcontrol", "anxiety", "novator")
INDUSTRY = {
    "Agriculture": "agriculture", "Banks": "services", "Building": "services",
    "Consult": "services", "HoReCa": "services", "IT": "electronics",
    "Mining": "chemicals_steel", "Pharma": "biomedicine", "PowerGeneration": "new_energy",
    "RealEstate": "services", "Retail": "services", "State": "public_administration",
    "Telecom": "electronics", "etc": "services", "manufacture": "equipment_manufacturing",
    "transport": "services",
}  # fmt: skip
# Prototype configurations of ours for the diagnosis: TrainParams fields (models/ untouched).
CONFIGS: dict[str, dict] = {
    "shipped": {},
    "all_history": {"train_months": None},
    "trees_only": {"blend_weight": 1.0},
    "logistic_only": {"blend_weight": 0.0},
    "x_levels_5": {"min_x_level_talents": 5},
    "leaves_15_min20": {"lgb_params": {"num_leaves": 15, "min_data_in_leaf": 20}},
    "search": {"search_max_rows": 10_000_000},
    "all_history_x5": {"train_months": None, "min_x_level_talents": 5},
    "all_history_x5_search": {
        "train_months": None, "min_x_level_talents": 5, "search_max_rows": 10_000_000,
    },
}  # fmt: skip


def read_turnover(path: Path) -> pl.DataFrame:
    """The data set's rows, text trimmed; a one-line exit when the file is absent."""
    if not path.is_file():
        sys.exit(f"benchmarks.real: {path} not found; save {SOURCE} there, or pass --csv PATH")
    data = pl.read_csv(path, infer_schema_length=None)
    return data.with_columns(pl.col(c).cast(pl.String).str.strip_chars() for c in TEXT)


def _month(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def map_turnover(data: pl.DataFrame, seed: int, as_of: date = AS_OF) -> dict[str, pl.DataFrame]:
    """The contract's tables for the data set (see the module docstring), leavers placed by `seed`."""
    from features.timeline import last_known_month, month_index
    from runconfig import TimeRules

    rules = TimeRules()
    k_e, gap = last_known_month(as_of, rules), rules.gap_months
    months = np.maximum(1, np.rint(data["stag"].to_numpy()).astype(int))
    left = data["event"].to_numpy() == 1
    rng = np.random.default_rng(seed)
    latest = k_e - gap + 1 - months  # the last arrival whose departure the extract confirms
    drawn = rng.integers(k_e - HIRING_MONTHS, latest + 1)
    first = np.where(left, drawn, k_e - months + 1)
    if (first < month_index(date(1990, 1, 1))).any():
        raise ValueError("benchmarks.real: a tenure does not fit the hiring window")
    arrival = [_month(int(a)) for a in first]
    ages = data["age"].to_numpy()
    ids = [f"T{i:04d}" for i in range(data.height)]
    talents = pl.DataFrame(
        {
            "talent_id": ids,
            "gender": data["gender"].str.to_uppercase(),
            "birth_date": [
                a - timedelta(days=int(round(y * 365.25)))
                for a, y in zip(arrival, ages, strict=True)
            ],
            "education": "bachelor",
            "hometown": "dezhou",
            "program": "graduate_gathering",
            "arrival_date": arrival,
            "county": "decheng",
        }
    ).with_columns(
        *(data[c].alias(f"x_{c}") for c in TEXT),
        *(data[c].cast(pl.Float64).alias(f"x_{c}") for c in NUMBERS),
    )
    industries = sorted(data["industry"].unique().to_list())
    employers = pl.DataFrame(
        {
            "employer_id": [f"E_{i}" for i in industries],
            "employer_name": industries,
            "industry": [INDUSTRY.get(i, "services") for i in industries],
            "ownership": ["state_owned" if i == "State" else "private" for i in industries],
            "county": "decheng",
        }
    )
    pay = pl.DataFrame(
        {
            "talent_id": ids,
            "employer_id": [f"E_{i}" for i in data["industry"]],
            "_first": first,
            "_n": months,
        }
    ).select(
        "talent_id",
        "employer_id",
        _m=pl.int_ranges(pl.col("_first"), pl.col("_first") + pl.col("_n")),
    )
    pay = pay.explode("_m").filter(pl.col("_m") <= k_e)
    social = pay.select(
        "talent_id",
        month=pl.date(pl.col("_m") // 12, pl.col("_m") % 12 + 1, 1).dt.strftime("%Y-%m"),
        employer_id="employer_id",
        contribution_base=pl.lit(BASE_YUAN),
    )
    policies = pl.DataFrame(
        {
            "policy_id": ["P0"],
            "policy_name": ["neutral"],
            "level": ["city"],
            "effective_from": [date(2000, 1, 1)],
            "effective_to": [None],
        },
        schema_overrides={"effective_to": pl.Date},
    )
    # The reader wants at least one grant: a zero lump sum on the arrival day, ended that day,
    # adds no running grant, no periodic subsidy and no clawback to any snapshot.
    subsidies = pl.DataFrame(
        {
            "grant_id": [f"G{i:04d}" for i in range(data.height)],
            "talent_id": ids,
            "policy_id": "P0",
            "subsidy_type": "settlement",
            "monthly_amount": pl.Series([None] * data.height, dtype=pl.Float64),
            "lump_sum": 0.0,
            "start_date": arrival,
            "end_date": arrival,
        }
    )
    return {
        "talents": talents,
        "employers": employers,
        "policies": policies,
        "subsidies": subsidies,
        "social_insurance": social,
    }


def check_mapping(data: pl.DataFrame, tables: dict[str, pl.DataFrame], as_of: date = AS_OF) -> None:
    """Raise unless the contract's first departure reproduces `event` and `stag` (rounded, >= 1)."""
    from features.timeline import (
        first_departures,
        known_contributions,
        last_known_month,
        month_index_expr,
        pay_timeline,
    )
    from runconfig import TimeRules

    rules = TimeRules()
    k_e = last_known_month(as_of, rules)
    si = tables["social_insurance"].with_columns(pl.col("month").str.to_date("%Y-%m"))
    timeline = pay_timeline(known_contributions(si.lazy(), k_e), rules.gap_months)
    first = first_departures(timeline, k_e).collect()
    got = (
        tables["talents"]
        .select("talent_id", _a=month_index_expr("arrival_date"))
        .join(first, on="talent_id", how="left", maintain_order="left")
        .select(
            event=pl.col("_first_departure").is_not_null().cast(pl.Int64),
            tenure=pl.col("_first_departure") - pl.col("_a"),
        )
    )
    months = np.maximum(1, np.rint(data["stag"].to_numpy()).astype(int))
    if not (got["event"].to_numpy() == data["event"].to_numpy()).all():
        raise AssertionError("benchmarks.real: the mapped departures do not reproduce `event`")
    left = data["event"].to_numpy() == 1
    if not (got["tenure"].to_numpy()[left] == months[left]).all():
        raise AssertionError("benchmarks.real: the mapped tenures do not reproduce `stag`")


def write_extract(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    """The tables as contract CSVs (dates YYYY-MM-DD, months YYYY-MM)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.write_csv(folder / f"{name}.csv", date_format="%Y-%m-%d")


def real_frame(data: pl.DataFrame, seed: int, cache: Path) -> pl.DataFrame:
    """Labelled training snapshots of the mapped extract for one seed (cached per seed and data)."""
    from features.ingest import ingest_extract
    from features.snapshots import training_snapshots
    from models.train import digest_frame

    folder = cache / f"{digest_frame(data)[:12]}_s{seed}"
    if (folder / "frame.parquet").is_file():
        return pl.read_parquet(folder / "frame.parquet")
    tables = map_turnover(data, seed)
    check_mapping(data, tables)
    write_extract(tables, folder / "extract")
    frame = training_snapshots(ingest_extract(folder / "extract", folder / "work").tables, AS_OF)
    frame.write_parquet(folder / "frame.parquet")
    return frame


def train_params(name: str, seed: int, n_boot: int):
    """The TrainParams of a named configuration."""
    from runconfig import TrainParams

    return TrainParams(seed=seed, n_boot=n_boot, refit=False, **CONFIGS[name])


def paying_auc(test: pl.DataFrame, y: np.ndarray, p: np.ndarray) -> float:
    """AUC on the test rows whose talent paid in the last known month (months_unpaid 0).

    The other rows are leavers in their unpaid months before the departure is confirmed: nearly
    all depart within any horizon, so they lift every model's AUC alike, most at 3 months.
    """
    from sklearn.metrics import roc_auc_score

    keep = (test["months_since_last_contribution"] == 0).to_numpy()
    return (
        float(roc_auc_score(y[keep], p[keep])) if 0 < y[keep].sum() < keep.sum() else float("nan")
    )


def measure_seed(
    frame: pl.DataFrame, seed: int, configs: list[str], cap: int, references: bool = True
) -> list[dict]:
    """Per horizon: ours (each configuration), RSF, Cox and a plain LightGBM on the same blocks."""
    from sklearn.metrics import roc_auc_score

    from benchmarks.small import judge_horizon
    from benchmarks.worlds import plain_lightgbm_scores
    from features.catalog import model_columns
    from models.evaluate import expected_calibration_error
    from models.split import select_block
    from models.train import train_attrition_model
    from runconfig import RunConfig

    numeric, categorical = model_columns(frame)
    rows = []
    shipped = None
    for name in configs:
        config = RunConfig(train=train_params(name, seed, 0))
        started = time.perf_counter()
        result = train_attrition_model(frame, numeric, categorical, config)
        took = time.perf_counter() - started
        for h in config.horizons:
            test = select_block(frame, result.splits[h], "test")
            y = test[f"y_{h}m"].to_numpy().astype(float)
            p = result.model.evaluated.predict(test)[f"p_leave_{h}m"].to_numpy()
            row = {
                "seed": seed, "h": h, "model": f"ours: {name}", "auc": roc_auc_score(y, p),
                "paying_auc": paying_auc(test, y, p),
                "ece": expected_calibration_error(p, y), "train_s": took,
                "best_iteration": result.params.get(f"best_iteration_{h}m"),
                "leaves": result.params.get(f"tuned_num_leaves_{h}m"),
                "leaf_rows": result.params.get(f"tuned_min_data_in_leaf_{h}m"),
                "pooled": result.params.get("x_levels_pooled"),
                "logistic_auc": result.metrics.get(f"logistic_auc_{h}m"),
            }  # fmt: skip
            rows.append(row)
        if name == configs[0]:
            shipped = result
    for h in shipped.splits if references else ():
        judged = judge_horizon(frame, shipped, h, seed, 0, cap)
        y = judged["_scores"]["y"]
        test = select_block(frame, shipped.splits[h], "test")
        plain = plain_lightgbm_scores(frame, shipped, h, seed)
        base = {"seed": seed, "h": h}
        info = {k: judged[k] for k in ("train_rows", "test_rows", "test_talents", "test_positives")}
        for row in rows:
            if row["h"] == h:
                row |= info
        for key, label in (("rsf", "RandomSurvivalForest"), ("cox", "CoxPHFitter")):
            score = judged["_scores"][key]
            rows.append(base | info | {"model": label, "auc": judged[f"{key}_auc"],
                                        "paying_auc": paying_auc(test, y, score),
                                        "ece": judged[f"{key}_ece"]})  # fmt: skip
        rows.append(
            base | info | {"model": "plain LightGBM", "auc": roc_auc_score(y, plain),
                           "paying_auc": paying_auc(test, y, plain),
                           "ece": expected_calibration_error(plain, y)}
        )  # fmt: skip
    return rows


def summarise(rows: list[dict]) -> pl.DataFrame:
    """AUC and ECE mean and sd over seeds per model and horizon."""
    keys = ("seed", "h", "model", "auc", "paying_auc", "ece")
    frame = pl.DataFrame([{k: r.get(k) for k in keys} for r in rows])
    return (
        frame.group_by("model", "h", maintain_order=True)
        .agg(
            n=pl.len(),
            auc=pl.col("auc").mean(),
            auc_sd=pl.col("auc").std(),
            paying=pl.col("paying_auc").mean(),
            paying_sd=pl.col("paying_auc").std(),
            ece=pl.col("ece").mean(),
            ece_sd=pl.col("ece").std(),
        )
        .sort("model", "h", maintain_order=True)
    )


def render(rows: list[dict], header: str) -> str:
    """The real-people section of results.md."""
    summary = summarise(rows)
    models = list(dict.fromkeys(summary["model"].to_list()))
    first = next(m for m in models if m.startswith("ours"))
    order = [first, "RandomSurvivalForest", "CoxPHFitter", "plain LightGBM"]
    order += [m for m in models if m not in order]
    sd = lambda x: "–" if x is None else f"{x:.3f}"  # noqa: E731
    lines = [
        "## Real people: Babushkin's employee turnover mapped into the contract (`python -m benchmarks.real`)",
        "",
        header,
        "",
        "| model | 3 m AUC | 6 m AUC | 12 m AUC | 3 m ECE | 6 m ECE | 12 m ECE "
        "| 3 m AUC, paying rows | 6 m AUC, paying rows | 12 m AUC, paying rows |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in order:
        part = summary.filter(pl.col("model") == m).sort("h")
        if part.is_empty():
            continue
        aucs = [f"{r['auc']:.3f} ± {sd(r['auc_sd'])}" for r in part.iter_rows(named=True)]
        eces = [f"{r['ece']:.3f} ± {sd(r['ece_sd'])}" for r in part.iter_rows(named=True)]
        paying = [f"{r['paying']:.3f} ± {sd(r['paying_sd'])}" for r in part.iter_rows(named=True)]
        lines.append(f"| {m} | " + " | ".join(aucs + eces + paying) + " |")
    lines += [
        "",
        "Mean ± sd over the seeds (each seed re-places the leavers in calendar time, so it is also "
        "a different out-of-time split). Same training snapshots and the same test block for every "
        "model of a seed and horizon; RSF and Cox on a uniform draw of at most the survival-rows cap "
        "of them (benchmarks/small.py says why). Paying rows: the test rows whose talent paid in the "
        "last known month; the rest are leavers already unpaid but not yet confirmed, which nearly "
        "all count as departed (contract section 2) and lift every AUC alike.",
    ]
    keys = ("seed", "h", "train_rows", "test_rows", "test_talents", "test_positives")
    measured = [r for r in rows if r["model"] == first and r.get("train_rows") is not None]
    if measured:
        blocks = pl.DataFrame([{k: r[k] for k in keys} for r in measured])
        seeds = sorted(set(blocks["seed"]))
        lines += [
            "",
            "Blocks (training rows / test rows / test talents / test positives):",
            "",
            "| h | " + " | ".join(f"seed {s}" for s in seeds) + " |",
            "|---|" + "---|" * len(seeds),
        ]
        for h in sorted(set(blocks["h"])):
            cells = [
                f"{r['train_rows']:,} / {r['test_rows']:,} / {r['test_talents']:,} / {r['test_positives']:,}"
                for r in blocks.filter(pl.col("h") == h).sort("seed").iter_rows(named=True)
            ]
            lines.append(f"| {h} m | " + " | ".join(cells) + " |")
    ours = [r for r in rows if r["model"].startswith("ours")]
    if ours:
        lines += ["", "Ours per configuration, what it chose (seed 0):", ""]
        lines += [
            "| configuration | h | best iteration | leaves, min leaf | logistic AUC |",
            "|---|---|---|---|---|",
        ]
        for r in ours:
            if r["seed"] == ours[0]["seed"]:
                lines.append(
                    f"| {r['model'][6:]} | {r['h']} m | {r['best_iteration']} | {r['leaves']}, {r['leaf_rows']} "
                    f"| {r['logistic_auc']:.3f} |"
                )
        lines += ["", f"x_* pooling (shipped): {ours[0]['pooled']}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Map, train and judge every seed; write the section of results.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--configs", default="shipped", help=f"of {', '.join(CONFIGS)}")
    parser.add_argument("--survival-rows", type=int, default=20_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/bench/real"))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    parser.add_argument("--no-references", action="store_true", help="ours only (diagnosis)")
    parser.add_argument("--rows-json", type=Path, default=None, help="also dump every row here")
    args = parser.parse_args(argv)
    configs = args.configs.split(",")
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        sys.exit(
            f"benchmarks.real: unknown configuration {unknown[0]}; known: {', '.join(CONFIGS)}"
        )
    data = read_turnover(args.csv)
    rows: list[dict] = []
    for seed in (int(s) for s in args.seeds.split(",")):
        frame = real_frame(data, seed, args.cache)
        rows += measure_seed(frame, seed, configs, args.survival_rows, not args.no_references)
        print(
            f"seed {seed}:",
            "; ".join(f"{r['model']} {r['h']}m {r['auc']:.3f}" for r in rows if r["seed"] == seed),
            flush=True,
        )
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        header = (
            f"Run {stamp}, {data.height:,} employees, seeds {args.seeds} (written after each), "
            f"as-of {AS_OF}, configurations {args.configs}, survival rows <= {args.survival_rows:,}. "
            "Generated into its section of results.md; do not edit by hand."
        )
        write_section(args.out, "real", render(rows, header))
        if args.rows_json:
            args.rows_json.write_text(json.dumps(rows, default=str, indent=0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
