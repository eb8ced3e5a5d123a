"""The realised leave rate around the subsidy's end, read from the extract's contributions."""

import datetime as dt

import polars as pl
import pytest

from reports.history import last_known_month, leave_after_subsidy_end
from reports.write import write_outputs

AS_OF = dt.date(2026, 11, 23)  # last known month: 2026-10


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        out.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def _tables() -> dict:
    end = dt.date(2026, 3, 31)  # the subsidy's last month: 2026-03
    paid = {
        "stays": _months(dt.date(2025, 1, 1), dt.date(2026, 10, 1)),
        "leaves_at_1": _months(dt.date(2025, 1, 1), dt.date(2026, 3, 1)),  # gone from 2026-04
        "leaves_at_3": _months(dt.date(2025, 1, 1), dt.date(2026, 5, 1)),  # gone from 2026-06
        "flexible": _months(dt.date(2025, 1, 1), dt.date(2026, 3, 1)),
    }
    social = pl.DataFrame(
        [(t, m, "E1", 5000.0) for t, months in paid.items() for m in months],
        schema=["talent_id", "month", "employer_id", "contribution_base"],
        orient="row",
    )
    subsidies = pl.DataFrame(
        {
            "talent_id": list(paid),
            "monthly_amount": [1000.0] * 4,
            "end_date": [end] * 4,
        }
    )
    talents = pl.DataFrame(
        {
            "talent_id": list(paid),
            "program": ["doctoral", "doctoral", "doctoral", "flexible_expert"],
        }
    )
    return {"social_insurance": social, "subsidies": subsidies, "talents": talents}


def test_last_known_month_follows_the_reporting_day():
    assert last_known_month(AS_OF) == 2026 * 12 + 9  # 2026-10
    assert last_known_month(dt.date(2026, 11, 14)) == 2026 * 12 + 8  # 2026-09


def test_leave_rate_by_months_since_the_subsidy_ended():
    out = leave_after_subsidy_end(_tables(), AS_OF, min_at_risk=1)
    rates = {k: (a, d) for k, a, d, _ in out.iter_rows()}
    assert rates[0] == (3, 0)  # the flexible expert is never counted
    assert rates[1] == (3, 1)  # one of three leaves in the first month without the subsidy
    assert rates[2] == (2, 0)
    assert rates[3] == (2, 1)
    assert rates[4] == (1, 0)
    assert max(rates) == 5  # 2026-08 is the last month whose 3-month gap can be told by 2026-10
    assert out.filter(pl.col("months_since_end") == 1)["rate"].item() == pytest.approx(1 / 3)
    assert leave_after_subsidy_end({"subsidies": _tables()["subsidies"]}, AS_OF) is None


def test_the_report_draws_the_past_only_when_given_the_tables(tmp_path):
    risk = pl.DataFrame(
        {
            "as_of": [AS_OF],
            "talent_id": ["stays"],
            "county": ["qihe"],
            "employer_id": ["E1"],
            "p_leave_3m": [0.1],
            "p_leave_6m": [0.2],
            "p_leave_12m": [0.3],
            "subsidy_end_date": [None],
            "months_to_subsidy_end": [None],
            "risk_tier": ["medium"],
            "reason_1": [None],
            "reason_2": [None],
            "reason_3": [None],
            "model_version": ["1"],
        },
        schema_overrides={
            "subsidy_end_date": pl.Date,
            "months_to_subsidy_end": pl.Int32,
            **{f"reason_{k}": pl.String for k in (1, 2, 3)},
        },
    )
    plain = write_outputs(risk, tmp_path / "a", risk["as_of"][0], context={}) / "report.html"
    assert "无法统计过去的实际离开比例" in plain.read_text(encoding="utf-8")
    tables = _tables()
    big = {  # 20 copies of each talent: enough for the report's minimum of 20 a bar
        name: pl.concat([frame.with_columns(pl.col("talent_id") + f"_{i}") for i in range(20)])
        for name, frame in tables.items()
    }
    drawn = (
        write_outputs(risk, tmp_path / "b", risk["as_of"][0], context={}, tables=big)
        / "report.html"
    )
    html = drawn.read_text(encoding="utf-8")
    assert "据登记库社保缴费记录推算" in html and "补贴停发" in html
