"""Features from how talents and employers behave (issue 14, item 3), on tables small enough to
work out by hand: employer distress, each grant's own clock, ties, unpaid months, county."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from features.employer_context import PRIOR_TALENT_MONTHS
from features.snapshots import build_snapshots, scoring_snapshot
from features.timeline import month_index, month_start

D = date.fromisoformat
AS_OF = D("2020-06-20")  # the last known month is 2020-05 (lag 1, reported by the 15th)


def months(start: str, end: str) -> list[date]:
    """Month starts from YYYY-MM to YYYY-MM inclusive."""
    lo, hi = month_index(D(start + "-01")), month_index(D(end + "-01"))
    return [month_start(m) for m in range(lo, hi + 1)]


def pay(talent: str, start: str, end: str, employer: str, base: float = 5000.0) -> list[tuple]:
    return [(talent, m, employer, base) for m in months(start, end)]


def registry(si: list[tuple], grants: list[tuple] = (), events: list[tuple] = ()) -> dict:
    """Validated tables: talents A-H in decheng (G in qihe), employers E1, E2 (qihe), E3."""
    ids = sorted({row[0] for row in si} | {"A"})
    n = len(ids)
    talents = pl.DataFrame(
        {
            "talent_id": ids,
            "gender": ["F"] * n,
            "birth_date": [D("1995-01-01")] * n,
            "education": ["master"] * n,
            "university_tier": [None] * n,
            "major_field": [None] * n,
            "hometown": ["dezhou"] * n,
            "program": ["graduate_gathering"] * n,
            "arrival_date": [D("2018-12-01")] * n,
            "county": ["qihe" if t == "G" else "decheng" for t in ids],
        },
        schema_overrides={"university_tier": pl.String, "major_field": pl.String},
    )
    grant_schema = {"grant_id": pl.String, "talent_id": pl.String, "policy_id": pl.String,
                    "subsidy_type": pl.String, "monthly_amount": pl.Float64, "lump_sum": pl.Float64,
                    "start_date": pl.Date, "end_date": pl.Date}  # fmt: skip
    return {
        "talents": talents,
        "employers": pl.DataFrame(
            {
                "employer_id": ["E1", "E2", "E3"],
                "industry": ["textiles", "services", "services"],
                "ownership": ["private"] * 3,
                "size_band": ["small"] * 3,
                "county": ["decheng", "qihe", "decheng"],
            }
        ),
        "policies": pl.DataFrame(
            {"policy_id": ["P"], "effective_from": [D("2018-01-01")], "effective_to": [None]},
            schema_overrides={"effective_to": pl.Date},
        ),
        "subsidies": pl.DataFrame(list(grants), schema=grant_schema, orient="row"),
        "social_insurance": pl.DataFrame(
            si, schema=["talent_id", "month", "employer_id", "contribution_base"], orient="row"
        ),
        "life_events": pl.DataFrame(
            list(events), schema={"talent_id": pl.String, "event_date": pl.Date, "event": pl.String},
            orient="row",
        ),
    }  # fmt: skip


def row(tables: dict, talent: str, as_of: date = AS_OF) -> dict:
    snap = scoring_snapshot(tables, as_of).filter(pl.col("talent_id") == talent)
    assert snap.height == 1
    return snap.row(0, named=True)


def employer_world() -> list[tuple]:
    """E1 from 2019-01: A stays (base cut in 2020), B moves to E2 in 2020-04, C leaves after
    2020-01, D joins in 2020-03; F pays at E3 throughout. Known month 2020-05."""
    return [
        *pay("A", "2019-01", "2019-12", "E1", 5000.0), *pay("A", "2020-01", "2020-05", "E1", 4500.0),
        *pay("B", "2019-01", "2020-03", "E1", 5000.0), *pay("B", "2020-04", "2020-05", "E2", 5500.0),
        *pay("C", "2019-01", "2020-01", "E1"),
        *pay("D", "2020-03", "2020-05", "E1"),
        *pay("F", "2019-01", "2020-05", "E3"),
    ]  # fmt: skip


def test_employer_hires_moves_out_and_headcount():
    a = row(registry(employer_world()), "A")
    assert a["employer_headcount"] == 2  # A and D pay through E1 in 2020-05
    assert a["employer_hires_6m"] == pytest.approx(1 / 2)  # D joined in 2019-12 .. 2020-05
    assert a["employer_moves_out_6m"] == pytest.approx(1 / 3)  # B moved: 1 / (1 + 2)
    b = row(registry(employer_world()), "B")
    assert b["employer_hires_6m"] == pytest.approx(1.0)  # B is E2's one joiner and its one payer
    assert b["employer_moves_out_6m"] == 0.0


def test_employer_departure_rate_is_shrunk_towards_the_city():
    a = row(registry(employer_world()), "A")
    # Settled rows (up to 2020-05 - gap 3 = 2020-02): E1 has A 14, B 14, C 13 talent-months and
    # C's departure; E3 has F's 14 months; B's E2 months come later. City rate 1 / 55.
    city = 1 / 55
    want = 12 * (1 + PRIOR_TALENT_MONTHS * city) / (41 + PRIOR_TALENT_MONTHS)
    assert a["employer_departure_rate_eb"] == pytest.approx(want)
    f = row(registry(employer_world()), "F")
    assert f["employer_departure_rate_eb"] == pytest.approx(
        12 * PRIOR_TALENT_MONTHS * city / (14 + PRIOR_TALENT_MONTHS)
    )
    # An employer with no settled history gets the city's rate.
    assert row(registry(employer_world()), "B")["employer_departure_rate_eb"] == pytest.approx(
        12 * city
    )


def test_employer_base_cut_share_counts_payers_with_a_base_12_months_back():
    # A's base fell (4500 against 5000 in 2019-05); D has no base 12 months back: share 1 / 1.
    si = employer_world() + pay("H", "2019-01", "2020-05", "E1", 6000.0)
    assert row(registry(si), "A")["employer_base_cut_share_12m"] == pytest.approx(1 / 2)
    assert row(registry(employer_world()), "A")["employer_base_cut_share_12m"] == 1.0
    assert row(registry(employer_world()), "D")["employer_base_cut_share_12m"] == 1.0
    assert row(registry(employer_world()), "B")["employer_base_cut_share_12m"] == 0.0  # 5500 > 5000


def test_employer_context_ignores_months_not_yet_known():
    before = scoring_snapshot(registry(employer_world()), AS_OF)
    # 2020-06 is reported only on 2020-07-15: a wave of joiners, leavers and cuts then is unknown.
    late = (
        pay("J", "2020-06", "2020-08", "E1") + pay("A", "2020-06", "2020-08", "E2", 100.0)
        + pay("D", "2020-06", "2020-06", "E3")
    )  # fmt: skip
    after = scoring_snapshot(registry(employer_world() + late), AS_OF)
    cols = ["talent_id", "employer_hires_6m", "employer_moves_out_6m", "employer_base_cut_share_12m",
            "employer_departure_rate_eb", "employer_headcount", "unpaid_months_24m"]  # fmt: skip
    assert before.select(cols).equals(after.select(cols))
    # ... and a training grid reaching later months gives the same row at AS_OF.
    grid = build_snapshots(registry(employer_world() + late), [AS_OF, D("2020-10-20")])
    assert grid.filter(pl.col("as_of") == AS_OF).select(cols).equals(before.select(cols))


def test_each_grant_has_its_own_clock():
    grants = [
        ("g1", "A", "P", "living", 2000.0, None, D("2019-01-01"), D("2021-03-31")),  # main
        ("g2", "A", "P", "rent", 800.0, None, D("2019-07-01"), D("2022-06-30")),  # second
        ("g3", "A", "P", "rent", 500.0, None, D("2019-01-01"), D("2019-12-31")),  # ended
        ("g4", "A", "P", "purchase", None, 100000.0, D("2019-02-01"), D("2023-12-31")),
        ("g5", "A", "P", "settlement", None, 50000.0, D("2019-01-01"), D("2019-12-31")),
        ("g6", "A", "P", "living", 900.0, None, AS_OF, D("2020-09-30")),  # starts at T: unknown
    ]
    a = row(registry(pay("A", "2019-01", "2020-05", "E1"), grants), "A")
    assert a["months_to_subsidy_end"] == 9
    assert a["months_to_second_subsidy_end"] == 24
    assert a["months_to_service_end"] == 42
    assert a["months_since_service_end"] == 5  # 2019-12-31 to 2020-06-20
    # One periodic grant: no second clock; no lump sum: no service clocks.
    one = row(registry(pay("A", "2019-01", "2020-05", "E1"), grants[:1]), "A")
    assert one["months_to_second_subsidy_end"] is None
    assert one["months_to_service_end"] is None and one["months_since_service_end"] is None


def test_stabilising_events_count_the_kinds_before_as_of():
    events = [
        ("A", D("2019-05-01"), "married"),
        ("A", D("2019-08-01"), "hukou_moved"),
        ("A", D("2020-01-01"), "hukou_moved"),  # the same kind again
        ("A", AS_OF, "home_purchased"),  # on T: not yet known
    ]
    a = row(registry(pay("A", "2019-01", "2020-05", "E1"), events=events), "A")
    assert a["stabilising_events"] == 2
    assert row(registry(pay("A", "2019-01", "2020-05", "E1")), "A")["stabilising_events"] == 0


def test_unpaid_months_over_24_known_months_from_the_first_paid_month():
    # Paid 2019-01 .. 2020-05 except 2019-06 and 2019-07: the window from 2019-01 holds 17 months.
    si = [
        r
        for r in pay("A", "2019-01", "2020-05", "E1")
        if r[1].month not in (6, 7) or r[1].year != 2019
    ]
    si += pay("F", "2018-01", "2020-03", "E3")  # the last two known months unpaid
    tables = registry(si)
    assert row(tables, "A")["unpaid_months_24m"] == 2
    assert row(tables, "F")["unpaid_months_24m"] == 2
    # Months paid after the last known month change nothing.
    late = registry(si + pay("F", "2020-06", "2020-07", "E3"))
    assert row(late, "F")["unpaid_months_24m"] == 2


def test_employer_in_talent_county():
    si = employer_world() + pay("G", "2019-01", "2020-05", "E1")
    tables = registry(si)
    assert row(tables, "A")["employer_in_talent_county"] == 1  # decheng at a decheng employer
    assert row(tables, "B")["employer_in_talent_county"] == 0  # decheng at E2 in qihe
    assert row(tables, "G")["employer_in_talent_county"] == 0  # qihe at E1 in decheng
