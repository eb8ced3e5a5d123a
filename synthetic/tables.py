"""Turn the simulated arrays into the contract's tables and the truth frames."""

import numpy as np
import polars as pl

from synthetic.calendar import month_index, month_starts
from synthetic.employers import INDUSTRIES, OWNERSHIPS, SIZES
from synthetic.policies import P2017, P2020, P2023, POLICIES
from synthetic.population import COUNTIES, EDUCATION, HOMETOWNS, MAJORS, PROGRAMS, TIERS


def ids(prefix: str, n: int, width: int) -> pl.Series:
    """Zero-padded string keys: prefix + index."""
    return pl.lit(prefix) + pl.Series(np.arange(1, n + 1)).cast(pl.String).str.zfill(width)


def make_ids(prefix: str, n: int, width: int) -> pl.Series:
    """Zero-padded string keys as a Series."""
    return pl.select(ids(prefix, n, width).alias("id")).to_series()


def decode(codes: np.ndarray, labels: list[str]) -> pl.Series:
    """Integer codes (-1 = missing) to their string labels."""
    lab = pl.Series(labels + [None], dtype=pl.String)
    return lab.gather(np.where(codes < 0, len(labels), codes))


def talents_frame(pop: dict, talent_ids: pl.Series, pii: dict, survey: np.ndarray) -> pl.DataFrame:
    """The talents table with its PII and an x_* survey column."""
    return pl.DataFrame(
        {
            "talent_id": talent_ids, "id_number": pii["id_number"], "name": pii["name"],
            "phone": pii["phone"], "gender": decode(pop["gender"], ["M", "F"]),
            "birth_date": pl.Series(pop["birth_date"]), "education": decode(pop["education"], EDUCATION),
            "university_tier": decode(pop["tier"], TIERS), "major_field": decode(pop["major"], MAJORS),
            "hometown": decode(pop["hometown"], HOMETOWNS), "program": decode(pop["program"], PROGRAMS),
            "arrival_date": pl.Series(pop["arrival_date"]), "county": decode(pop["county"], COUNTIES),
            "x_survey_intent_to_stay": pl.Series(survey).fill_nan(None).cast(pl.Int8),
        }
    )  # fmt: skip


def employers_frame(emp: dict, employer_ids: pl.Series, names: np.ndarray) -> pl.DataFrame:
    """The employers table."""
    return pl.DataFrame(
        {
            "employer_id": employer_ids, "employer_name": pl.Series(names, dtype=pl.String),
            "industry": decode(emp["industry"], INDUSTRIES), "ownership": decode(emp["ownership"], OWNERSHIPS),
            "size_band": decode(emp["size"], SIZES), "county": decode(emp["county"], COUNTIES),
        }
    )  # fmt: skip


def _grant_rows(tid, policy, stype, monthly, lump, start, end) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "talent_idx": tid.astype(np.int32), "policy": policy.astype(np.int32),
            "subsidy_type": stype, "monthly_amount": monthly, "lump_sum": lump,
            "start_date": start, "end_date": end,
        },
        schema={"talent_idx": pl.Int32, "policy": pl.Int32, "subsidy_type": pl.String,
                "monthly_amount": pl.Float64, "lump_sum": pl.Float64, "start_date": pl.Date, "end_date": pl.Date},
    )  # fmt: skip


def subsidies_rows(pop: dict, main: dict, lumps: dict, emp: dict, first_emp: np.ndarray, first_dep: np.ndarray, n_months: int) -> pl.DataFrame:  # fmt: skip
    """Every grant of the simulated world (before cutting at as_of), talents by index."""
    ms = month_starts(n_months + 200)
    day = np.timedelta64(1, "D")
    frames = []
    t = np.flatnonzero(main["policy"] >= 0)
    pol, s, e = main["policy"][t], main["start"][t], main["end"][t]
    natural_end = ms[s + main["months"][t]] - day
    end = np.where(pol >= 4, ms[e + 1] - day, natural_end)
    public = emp["ownership"][np.maximum(first_emp[t], 0)] == OWNERSHIPS.index("public_institution")
    doctoral_public = (pol == P2023) & (pop["program"][t] == 1) & public
    stype = np.where((pol == 3) | doctoral_public, "allowance", "living")
    amount = np.where(doctoral_public, 1500.0, main["amount"][t]).astype(np.float64)
    cut = month_index(POLICIES[P2017][4]) + 1  # the 2020 upgrade continues the 2017 grants
    split = (pol == P2017) & (end > ms[cut] - day)
    none = np.full(len(t), np.nan)
    frames.append(
        _grant_rows(t, pol, stype, amount, none, ms[s], np.where(split, ms[cut] - day, end))
    )
    k = np.flatnonzero(split)
    frames.append(
        _grant_rows(
            t[k],
            np.full(len(k), P2020),
            stype[k],
            amount[k],
            none[k],
            np.full(len(k), ms[cut]),
            end[k],
        )
    )
    # Tianqu rent subsidy, 800 a month for 36 months, capped by the policy's expiry.
    lo, hi = month_index(POLICIES[8][3]), month_index(POLICIES[8][4])
    st = pop["arrival"] + 1
    r = np.flatnonzero(
        (pop["county"] == 11)
        & np.isin(pop["education"], [1, 2])
        & (st >= lo)
        & (st <= hi)
        & (pop["program"] != 5)
    )
    r_end = np.minimum(ms[st[r] + 36] - day, np.datetime64(POLICIES[8][4]))
    frames.append(
        _grant_rows(
            r,
            np.full(len(r), 8),
            "rent",
            np.full(len(r), 800.0),
            np.full(len(r), np.nan),
            ms[st[r]],
            r_end,
        )
    )
    # Lump sums with their service periods.
    for mask, stype_l, amount_l, months, pol_l in (
        (lumps["settle"], "settlement", 50_000.0, 60, P2023),
        (lumps["startup"], "startup", 30_000.0, 36, P2020),
    ):
        i = np.flatnonzero(mask)
        frames.append(
            _grant_rows(
                i,
                np.full(len(i), pol_l),
                stype_l,
                np.full(len(i), np.nan),
                np.full(len(i), amount_l),
                ms[lumps["start"][i]],
                ms[lumps["start"][i] + months] - day,
            )
        )
    i = np.flatnonzero(lumps["purchase"])
    pm = lumps["purchase_month"][i]
    pol_p = np.where(pm >= month_index(POLICIES[P2020][3]), P2020, P2017)
    amount_p = np.where(pop["education"][i] == 0, 150_000.0, 100_000.0)
    p_start = ms[pm] + (lumps["purchase_day"][i] - 1) * day
    frames.append(
        _grant_rows(
            i,
            pol_p,
            "purchase",
            np.full(len(i), np.nan),
            amount_p,
            p_start,
            ms[lumps["purchase_end"][i] + 1] - day,
        )
    )
    grants = pl.concat(frames).with_columns(pl.col("monthly_amount", "lump_sum").fill_nan(None))
    # A grant exists only if the talent had not left before it started.
    dep = pl.Series(np.where(first_dep < 0, 10_000, first_dep)).gather(grants["talent_idx"])
    start_m = (grants["start_date"].dt.year() - 2016) * 12 + grants["start_date"].dt.month() - 1
    return grants.filter(dep > start_m)
