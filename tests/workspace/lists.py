"""Tiny published lists written straight in the contract's columns (no model is trained)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

WEEKS = (date(2026, 11, 16), date(2026, 11, 23))
COUNTIES = ("qihe", "decheng")
PER_COUNTY = 60  # > 50, so the top 50 is a real cut


def talent_ids(county: str, n: int = PER_COUNTY) -> list[str]:
    return [f"{county[:2].upper()}{i:05d}" for i in range(n)]


def risk_list(as_of: date, counties=COUNTIES, per_county: int = PER_COUNTY) -> pl.DataFrame:
    """A risk list: a third low tier, one in six stopped paying, subsidies ending every month."""
    rows = []
    shift = 0.01 * WEEKS.index(as_of) if as_of in WEEKS else 0.0
    for county in counties:
        for i, talent in enumerate(talent_ids(county, per_county)):
            p6 = round(0.9 - 0.8 * i / per_county + shift, 4)
            end = as_of + timedelta(days=30 * (i % 18 - 3))
            rows.append(
                {
                    "as_of": as_of,
                    "talent_id": talent,
                    "county": county,
                    "employer_id": f"E{i % 7}",
                    "p_leave_3m": p6 / 2,
                    "p_leave_6m": p6,
                    "p_leave_12m": min(1.0, p6 * 1.3),
                    "subsidy_end_date": end,
                    "months_to_subsidy_end": (end.year - as_of.year) * 12 + end.month - as_of.month,
                    "risk_tier": "high" if i < 20 else "medium" if i < 40 else "low",
                    "reason_1": "生活补贴3个月后到期",
                    "reason_2": "近一年缴费基数未增长",
                    "reason_3": None,
                    "model_version": "3",
                    "employer_name": f"德州示范企业{i % 7}",
                    "months_unpaid": 2 if i % 6 == 5 else 0,
                    "suggested_action": "补贴到期前联系,介绍续期政策",
                }
            )
    schema = {"months_to_subsidy_end": pl.Int32, "months_unpaid": pl.Int32}
    return pl.DataFrame(rows).with_columns(pl.col(c).cast(t) for c, t in schema.items())


def contacts(counties=COUNTIES, per_county: int = PER_COUNTY) -> pl.DataFrame:
    """Made-up names and numbers the privacy scan looks for."""
    ids = [t for c in counties for t in talent_ids(c, per_county)]
    family = "王李张刘陈杨赵黄周吴"
    return pl.DataFrame(
        {
            "talent_id": ids,
            "id_number": [f"37140219900101{i:04d}" for i in range(len(ids))],
            "name": [
                f"{family[i % 10]}{'建国芳华伟'[i % 5]}{'明丽强'[i // 50 % 3]}"
                for i in range(len(ids))
            ],
            "phone": [f"139{i:08d}" for i in range(len(ids))],
        }
    )


def subsidies(counties=COUNTIES, per_county: int = PER_COUNTY) -> pl.DataFrame:
    """One grant per talent. Grant ids are unique across counties, as in the registry: the
    import upserts by grant_id, so a shared id (G0 of qihe and of xiajin) moved qihe's grant
    to another test's talent, and the talent page lost its timeline when the test that
    re-imported the fixture's grants ran on the other xdist worker."""
    ids = [t for c in counties for t in talent_ids(c, per_county)]
    return pl.DataFrame(
        {
            "grant_id": [f"G-{t}" for t in ids],
            "talent_id": ids,
            "policy_id": ["P1"] * len(ids),
            "subsidy_type": ["living"] * len(ids),
            "monthly_amount": [1500.0] * len(ids),
            "lump_sum": [None] * len(ids),
            "start_date": [date(2024, 1, 1)] * len(ids),
            "end_date": [date(2027, 2, 28)] * len(ids),
        },
        schema_overrides={"lump_sum": pl.Float64},
    )


def plan(as_of: date) -> pl.DataFrame:
    ids = talent_ids("qihe")[:10]
    return pl.DataFrame(
        {
            "talent_id": ids,
            "county": ["qihe"] * 10,
            "offer_kind": ["extend_living"] * 10,
            "monthly_yuan": [1500.0] * 10,
            "cost_yuan": [18000.0] * 10,
            "p_leave_12m": [0.6] * 10,
            "p_leave_12m_with_offer": [0.4] * 10,
            "months_gained": [2.5] * 10,
            "months_gained_low": [1.0] * 10,
            "months_gained_high": [4.0] * 10,
            "selected": [True] * 5 + [False] * 5,
            "rank": list(range(1, 11)),
            "lottery": ["none"] * 10,
        }
    )


def write_lists(out: Path, weeks=WEEKS, **kwargs) -> Path:
    """OUT/<as_of>/risk_list.parquet per week, and the last week's plan.parquet."""
    for day in weeks:
        folder = out / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        risk_list(day, **kwargs).write_parquet(folder / "risk_list.parquet")
    plan(weeks[-1]).write_parquet(out / weeks[-1].isoformat() / "plan.parquet")
    return out
