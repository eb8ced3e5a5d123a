"""Leakage as a property: what is known only at or after T never moves a feature for T,
and labels never depend on contributions before the talent's last paid month known at T."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from features.labels import label_snapshots
from features.snapshots import scoring_snapshot, training_snapshots
from features.timeline import month_index, month_start

START = month_index(date(2019, 1, 1))
EMPLOYERS = ["E1", "E2", "E3"]
EVENTS = ["married", "hukou_moved", "home_purchased"]
# Days after T for added grants and events: T itself is the boundary most worth hitting.
BOUNDARY = st.one_of(st.just(0), st.integers(0, 400))
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


def month(offset: int) -> date:
    return month_start(START + offset)


def day(offset: int) -> date:
    return date(2019, 1, 1) + timedelta(days=offset)


@st.composite
def talent_rows(draw, tid: str, arrival_range=(0, 500)):
    """One talent: attributes, paid months with employers, grants and events (as row tuples)."""
    arrival = day(draw(st.integers(*arrival_range)))
    first = month_index(arrival) - START
    # Mostly steady payers: a run of months with a few holes (some long enough to be departures).
    run = draw(st.integers(6, 48))
    holes = set(draw(st.lists(st.integers(0, 40), max_size=3)))
    if draw(st.booleans()):
        holes = {h + i for h in holes for i in range(4)}
    offsets = [o for o in range(draw(st.integers(0, 2)), run) if o not in holes]
    pay = [
        (tid, month(first + o), draw(st.sampled_from(EMPLOYERS)) if o % 7 == 0 else EMPLOYERS[0],
         float(draw(st.integers(3, 9)) * 1000))
        for o in offsets
    ]  # fmt: skip
    grants = [
        (f"{tid}-g{i}", tid, "P1", kind, amount if kind == "living" else None,
         amount * 40 if kind != "living" else None, arrival + timedelta(days=s), arrival + timedelta(days=s + d))
        for i, (kind, amount, s, d) in enumerate(draw(st.lists(st.tuples(
            st.sampled_from(["living", "settlement"]), st.sampled_from([500.0, 2000.0]),
            st.integers(0, 600), st.integers(30, 1200)), max_size=2)))
    ]  # fmt: skip
    events = [
        (tid, arrival + timedelta(days=o), e)
        for o, e in draw(
            st.lists(st.tuples(st.integers(0, 900), st.sampled_from(EVENTS)), max_size=2)
        )
    ]
    who = (
        tid,
        draw(st.sampled_from(["M", "F"])),
        day(-draw(st.integers(8000, 14000))),
        draw(st.sampled_from(["master", "bachelor"])),
        draw(st.sampled_from(["graduate_gathering", "doctoral", "flexible_expert"])),
        arrival,
        draw(st.sampled_from(["decheng", "qihe"])),
        float(draw(st.integers(0, 5))),
    )
    return who, pay, grants, events


def assemble(parts) -> dict[str, pl.DataFrame]:
    """Validated tables from talent_rows parts."""
    who = [p[0] for p in parts]
    talents = pl.DataFrame(
        who,
        schema=["talent_id", "gender", "birth_date", "education", "program", "arrival_date", "county", "x_score"],
        orient="row",
    ).with_columns(university_tier=pl.lit(None, pl.String), major_field=pl.lit(None, pl.String), hometown=pl.lit("dezhou"))  # fmt: skip
    si_schema = {
        "talent_id": pl.String,
        "month": pl.Date,
        "employer_id": pl.String,
        "contribution_base": pl.Float64,
    }
    grant_schema = {"grant_id": pl.String, "talent_id": pl.String, "policy_id": pl.String, "subsidy_type": pl.String,
                    "monthly_amount": pl.Float64, "lump_sum": pl.Float64, "start_date": pl.Date, "end_date": pl.Date}  # fmt: skip
    event_schema = {"talent_id": pl.String, "event_date": pl.Date, "event": pl.String}
    return {
        "talents": talents,
        "employers": pl.DataFrame(
            {
                "employer_id": EMPLOYERS,
                "industry": ["textiles", "services", "healthcare"],
                "ownership": ["private"] * 3,
                "size_band": ["small", None, "large"],
                "county": ["decheng"] * 3,
            }
        ),  # fmt: skip
        "policies": pl.DataFrame(
            {
                "policy_id": ["P1"],
                "effective_from": [date(2018, 1, 1)],
                "effective_to": [date(2023, 6, 30)],
            }
        ),  # fmt: skip
        "subsidies": pl.DataFrame(
            [g for p in parts for g in p[2]], schema=grant_schema, orient="row"
        ),
        "social_insurance": pl.DataFrame(
            [r for p in parts for r in p[1]], schema=si_schema, orient="row"
        ),
        "life_events": pl.DataFrame(
            [e for p in parts for e in p[3]], schema=event_schema, orient="row"
        ),
    }


registries = st.lists(st.integers(), min_size=1, max_size=6).flatmap(
    lambda ids: st.tuples(*[talent_rows(f"T{i}") for i in range(len(ids))])
)


def known_month(as_of: date) -> int:
    """Last month reported by `as_of` (lag 1, day 15), computed here, independently of the code."""
    return month_index(as_of) - 1 - (1 if as_of.day < 15 else 0)


def mask(draw, n: int) -> pl.Series:
    return pl.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=pl.Boolean)


def perturb_after(tables, as_of: date, draw) -> dict[str, pl.DataFrame]:
    """Alter, delete or add everything known only at or after `as_of`; leave the rest alone.

    Contributions for months not reported by `as_of`, grants starting on or after it, events
    dated on or after it, and newcomers arriving after it (paying only from then on).
    """
    k = known_month(as_of)
    si, subsidies, events = tables["social_insurance"], tables["subsidies"], tables["life_events"]
    late = pl.col("month") > month_start(k)
    si = si.filter(~late | mask(draw, si.height)).with_columns(
        employer_id=pl.when(late).then(pl.lit("E3")).otherwise("employer_id"),
        contribution_base=pl.when(late).then(pl.col("contribution_base") * 3).otherwise("contribution_base"),
    )  # fmt: skip
    later = pl.col("start_date") >= as_of
    subsidies = subsidies.filter(~later | mask(draw, subsidies.height)).with_columns(
        monthly_amount=pl.when(later).then(pl.col("monthly_amount") + 1).otherwise("monthly_amount"),
        end_date=pl.when(later).then(pl.col("end_date") + timedelta(days=40)).otherwise("end_date"),
    )  # fmt: skip
    dated = pl.col("event_date") >= as_of
    events = events.filter(~dated | mask(draw, events.height)).with_columns(
        event=pl.when(dated).then(pl.lit("title_awarded")).otherwise("event")
    )
    talents = tables["talents"]
    newcomers = [draw(talent_rows(f"N{i}")) for i in range(draw(st.integers(0, 2)))]
    if newcomers:
        new = assemble(newcomers)["talents"].with_columns(
            arrival_date=pl.lit(as_of + timedelta(days=1))
        )
        talents = pl.concat([talents, new.select(talents.columns)])
    ids = talents.get_column("talent_id").to_list()
    adds = draw(
        st.lists(st.tuples(st.sampled_from(ids), st.integers(1, 24), st.sampled_from(EMPLOYERS)))
    )
    si = pl.concat([si, pl.DataFrame(
        [(t, month_start(k + o), e, 7777.0) for t, o, e in adds], schema=si.schema, orient="row")
    ]).unique(["talent_id", "month"], keep="first", maintain_order=True)  # fmt: skip
    gadds = draw(st.lists(st.tuples(st.sampled_from(ids), BOUNDARY), max_size=3))
    subsidies = pl.concat([subsidies, pl.DataFrame(
        [(f"x{i}", t, "P1", "rent", 900.0, None, as_of + timedelta(days=d), as_of + timedelta(days=d + 700))
         for i, (t, d) in enumerate(gadds)], schema=subsidies.schema, orient="row")])  # fmt: skip
    eadds = draw(st.lists(st.tuples(st.sampled_from(ids), BOUNDARY), max_size=3))
    events = pl.concat([events, pl.DataFrame(
        [(t, as_of + timedelta(days=d), "married") for t, d in eadds], schema=events.schema, orient="row")])  # fmt: skip
    return {
        **tables,
        "talents": talents,
        "social_insurance": si,
        "subsidies": subsidies,
        "life_events": events,
    }


@PROPERTY
@given(parts=registries, t=st.integers(100, 1100), data=st.data())
def test_features_at_t_ignore_everything_known_only_at_or_after_t(parts, t, data):
    tables = assemble(parts)
    as_of = day(t)
    changed = perturb_after(tables, as_of, data.draw)
    assert_frame_equal(scoring_snapshot(tables, as_of), scoring_snapshot(changed, as_of))


@PROPERTY
@given(parts=registries, t=st.integers(100, 1000), data=st.data())
def test_training_rows_at_t_ignore_what_comes_later(parts, t, data):
    tables = assemble(parts)
    extract = date(2022, 12, 20)
    as_of = day(t).replace(day=20)
    changed = perturb_after(tables, as_of, data.draw)

    def at_t(frame):
        return frame.filter(pl.col("as_of") == as_of).drop("y_3m", "y_6m", "y_12m")

    before = at_t(training_snapshots(tables, extract))
    assert_frame_equal(before, at_t(training_snapshots(changed, extract)))
    assert_frame_equal(before, scoring_snapshot(tables, as_of))


@PROPERTY
@given(parts=registries, t=st.integers(100, 1000), data=st.data())
def test_labels_ignore_contributions_before_the_last_paid_month_known_at_t(parts, t, data):
    """Labels at T depend only on whether the talent pays from their last paid month known at T
    on: deleting or adding contributions before that month, and changing any employer or base,
    leaves every label of a talent present in both snapshots unchanged."""
    tables = assemble(parts)
    as_of, extract = day(t), date(2022, 12, 20)
    k = month_start(known_month(as_of))
    si = tables["social_insurance"]
    last = si.filter(pl.col("month") <= k).group_by("talent_id").agg(_last=pl.col("month").max())
    early = pl.col("month") < pl.col("_last")
    keep = pl.Series(
        data.draw(st.lists(st.booleans(), min_size=si.height, max_size=si.height)), dtype=pl.Boolean
    )
    changed = (
        si.join(last, on="talent_id", how="left")
        .with_columns(_keep=keep)
        .filter(~early.fill_null(False) | pl.col("_keep"))
        .with_columns(employer_id=pl.lit("E2"), contribution_base=pl.lit(1234.0))
    )
    # Fill in every month before the last paid one for some talents.
    filled = (
        last.filter(pl.col("talent_id").hash() % 2 == 0)
        .select(
            "talent_id",
            month=pl.date_ranges(date(2019, 1, 1), pl.col("_last"), "1mo", closed="left"),
        )
        .explode("month")
        .with_columns(employer_id=pl.lit("E1"), contribution_base=pl.lit(999.0))
    )
    changed = pl.concat([changed.select(si.columns), filled.select(si.columns)]).unique(
        ["talent_id", "month"], keep="first"
    )
    perturbed = {**tables, "social_insurance": changed, "subsidies": tables["subsidies"].head(0),
                 "life_events": tables["life_events"].head(0)}  # fmt: skip

    def labelled(tabs):
        snap = scoring_snapshot(tabs, as_of).select("talent_id", "as_of")
        return label_snapshots(snap, tabs["social_insurance"], extract)

    both = labelled(tables).join(labelled(perturbed), on=["talent_id", "as_of"], suffix="_p")
    for h in (3, 6, 12):
        assert_frame_equal(both.select(y=f"y_{h}m"), both.select(y=f"y_{h}m_p"))


def test_perturbation_before_t_does_move_features():
    """Negative control: the property tests above can fail; changing known data moves features."""
    parts = (
        (("T0", "M", date(1995, 1, 1), "master", "doctoral", date(2019, 1, 5), "decheng", 1.0),
         [("T0", month(o), "E1", 5000.0) for o in range(12)], [], []),
    )  # fmt: skip
    tables = assemble(parts)
    as_of = date(2019, 12, 20)
    si = tables["social_insurance"]
    known = si.with_columns(
        contribution_base=pl.when(pl.col("month") == month(10)).then(9000.0).otherwise(pl.col("contribution_base"))
    )  # fmt: skip
    a = scoring_snapshot(tables, as_of)
    b = scoring_snapshot({**tables, "social_insurance": known}, as_of)
    assert a.get_column("contribution_base").to_list() == [5000.0]
    assert b.get_column("contribution_base").to_list() == [9000.0]
