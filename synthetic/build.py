"""simulate(): draw the world, run it month by month, and cut the extract at as_of."""

import datetime as dt

import numpy as np
import polars as pl

from synthetic.calendar import month_index, month_starts
from synthetic.careers import simulate_careers
from synthetic.counterfactual import EtaRecorder, offer_truth
from synthetic.employers import NEVER, draw_employers, name_employers
from synthetic.events import EVENTS, draw_life_events
from synthetic.hazard import HazardParams
from synthetic.oracle import oracle_probabilities
from synthetic.pii import draw_id_numbers, draw_names, draw_phones
from synthetic.policies import POLICIES, plan_lump_sums, plan_main_subsidy, policies_frame
from synthetic.population import COUNTIES, FLEX, HOMETOWNS, draw_talents
from synthetic.registry import SimulatedRegistry
from synthetic.tables import employers_frame, make_ids, subsidies_rows, talents_frame


def last_known_month(as_of: dt.date, lag: int = 1, day: int = 15) -> int:
    """Index of the last month whose contributions are reported by as_of."""
    return month_index(as_of) - lag - (0 if as_of.day >= day else 1)


def _long(chunks: list, value: str, extra: dict[str, list] | None = None) -> pl.DataFrame:
    """Per-month (idx, t, [employer,] values) chunks to one integer frame sorted by talent, month.

    `extra` adds columns given as one array per chunk, aligned with the chunk's rows.
    """
    cols = {
        "i": np.concatenate([c[0] for c in chunks]),
        "t": np.concatenate([np.full(len(c[0]), c[1], dtype=np.int16) for c in chunks]),
        value: np.concatenate([c[-1] for c in chunks]),
    }
    if len(chunks[0]) == 4:
        cols["e"] = np.concatenate([c[2] for c in chunks])
    for name, pieces in (extra or {}).items():
        cols[name] = np.concatenate(pieces)
        pieces.clear()
    chunks.clear()  # free the per-month pieces before sorting
    return pl.DataFrame(cols).sort("i", "t")


def draw_shells(seed: int, emp: dict[str, np.ndarray], share: float) -> np.ndarray:
    """Which employers are shells: a share of the micro and small private or foreign firms that
    never close (a shell lives on paper). Its own generator: the talents, employers and grants drawn
    are the same with or without shells."""
    if share <= 0:
        return np.zeros(len(emp["county"]), dtype=bool)
    rng = np.random.default_rng([seed, 7_457_355])
    eligible = np.isin(emp["ownership"], [0, 3]) & (emp["size"] <= 1) & (emp["close"] >= NEVER)
    return eligible & (rng.random(len(eligible)) < share)


def survey_intent(rng: np.random.Generator, frailty: np.ndarray, sd: float) -> np.ndarray:
    """x_survey_intent_to_stay 1-5: a noisy, partly missing proxy of the hidden propensity."""
    score = np.clip(
        np.round(3.0 - 1.1 * frailty / max(sd, 1e-6) + rng.normal(0, 1.3, len(frailty))), 1, 5
    )
    return np.where(rng.random(len(frailty)) < 0.45, np.nan, score)


def simulate(
    n_talents: int = 20_000, seed: int = 0, as_of: dt.date = dt.date(2026, 11, 23),
    params: HazardParams | None = None,
) -> SimulatedRegistry:  # fmt: skip
    """Simulate the Dezhou registry from 2016-01 to as_of + 15 months; cut the extract at as_of."""
    p = params or HazardParams()
    rng = np.random.default_rng(seed)
    m0 = month_index(as_of)
    last_h = m0 + 15
    n_full = last_h + 3
    pop = draw_talents(rng, n_talents, as_of)
    emp = draw_employers(rng, max(40, n_talents // 40), n_full)
    events = draw_life_events(rng, pop)
    main = plan_main_subsidy(pop)
    purchase = events["home_purchased"]
    lumps = plan_lump_sums(pop, np.where(purchase < n_full, purchase, -1), rng)
    lumps["purchase_day"] = events["day"][EVENTS.index("home_purchased")]
    recorder = EtaRecorder(m0, n_talents)  # the offer's counterfactual truth reads the hazards
    shell_rng = None
    if p.shell_share > 0:
        emp["shell"] = draw_shells(seed, emp, p.shell_share)
        shell_rng = np.random.default_rng([seed, 7_457_356])
    res = simulate_careers(
        rng, pop, emp, events, main, lumps, last_h, p, observe=recorder, shell_rng=shell_rng
    )
    talent_ids = make_ids("T", n_talents, 7)
    employer_ids = make_ids("E", len(emp["county"]), 6)
    month_labels = [str(m) for m in (np.datetime64("2016-01", "M") + np.arange(n_full))]
    ms = month_starts(n_full + 200)

    hometown = np.array(HOMETOWNS)[pop["hometown"]]
    pii = {
        "name": pl.Series(draw_names(rng, n_talents), dtype=pl.String),
        "id_number": draw_id_numbers(
            rng, hometown, np.array(COUNTIES)[pop["county"]], pop["birth_date"], pop["gender"]
        ),
        "phone": draw_phones(rng, n_talents),
    }
    survey = survey_intent(rng, res["frailty"], p.frailty_sd)
    talents = talents_frame(pop, talent_ids, pii, survey)
    employers = employers_frame(emp, employer_ids, name_employers(rng, emp))

    si = _long(res.pop("si"), "contribution_base")
    lk = last_known_month(as_of)
    social = si.filter(pl.col("t") <= lk).select(
        pl.lit(talent_ids).gather(pl.col("i")).alias("talent_id"),
        pl.lit(pl.Series(month_labels)).gather(pl.col("t")).alias("month"),
        pl.lit(employer_ids).gather(pl.col("e")).alias("employer_id"),
        pl.col("contribution_base").cast(pl.Float64),
    )
    future = si.filter(pl.col("t") > lk).select(
        pl.lit(talent_ids).gather(pl.col("i")).alias("talent_id"),
        pl.lit(pl.Series(ms[:n_full])).gather(pl.col("t")).alias("month"),
    )
    del si

    grants = subsidies_rows(pop, main, lumps, emp, res["first_emp"], res["first_dep"], n_full)
    grants = grants.sort("talent_idx", "start_date", "subsidy_type").with_columns(
        grant_id=make_ids("G", grants.height, 8),
        talent_id=pl.lit(talent_ids).gather(pl.col("talent_idx")),
        policy_id=pl.lit(pl.Series([q[0] for q in POLICIES])).gather(pl.col("policy")),
        monthly_amount=pl.col("monthly_amount").round(2),
    )
    subsidies = grants.filter(pl.col("start_date") < as_of).select(
        "grant_id",
        "talent_id",
        "policy_id",
        "subsidy_type",
        "monthly_amount",
        "lump_sum",
        "start_date",
        "end_date",
    )

    dep = res["first_dep"]
    ev_frames = []
    for k, name in enumerate(EVENTS):
        m = events[name]
        i = np.flatnonzero((m >= 0) & (m < n_full) & ((dep < 0) | (m < dep)))
        day = ms[m[i]] + (events["day"][k][i] - 1).astype("timedelta64[D]")
        ev_frames.append(pl.DataFrame({"i": i, "event_date": day, "event": name}))
    events_df = pl.concat(ev_frames).sort("i", "event_date", "event")
    life_events = events_df.filter(pl.col("event_date") < as_of).select(
        pl.lit(talent_ids).gather(pl.col("i")).alias("talent_id"), "event_date", "event"
    )

    def month_or_null(a: np.ndarray) -> pl.Series:
        return pl.Series(np.where(a >= 0, ms[np.maximum(a, 0)], np.datetime64("NaT")))

    # first_departure_month is the registry's (the contract's rule on the full series, what the
    # labels are); left_city_month is when the talent really left: earlier when a shell paid on.
    departures = pl.DataFrame(
        {"talent_id": talent_ids, "first_departure_month": month_or_null(res["observed_dep"]),
         "return_month": month_or_null(res["return_month"]),
         "left_city_month": month_or_null(dep)}
    )  # fmt: skip
    if p.shell_share > 0:  # the oracle needs the shells' monthly chance of stopping (oracle.py)
        departures = departures.with_columns(shell_stop=pl.lit(p.shell_stop, dtype=pl.Float64))
    # The oracle runs on integer talent keys (same formula, far less memory at 1M talents).
    shells = {"shell_keep": res["hk"]} if p.shell_share > 0 else {}
    hazards = _long(res.pop("hz"), "hazard", shells).select(
        pl.col("i").cast(pl.Int32).alias("talent_id"),
        pl.lit(pl.Series(ms[:n_full])).gather(pl.col("t")).alias("month"),
        pl.col("hazard").cast(pl.Float64),
        (pl.col("e") == 1).alias("at_risk"),
        *([pl.col("shell_keep")] if shells else []),
    )
    flex = pop["program"] == FLEX
    scored = pl.DataFrame({"talent_id": np.flatnonzero(~flex).astype(np.int32)}).with_columns(
        as_of=pl.lit(as_of)
    )
    dep_int = departures.drop("return_month").with_columns(
        pl.int_range(pl.len(), dtype=pl.Int32).alias("talent_id")
    )
    oracle = oracle_probabilities(hazards, dep_int, scored).with_columns(
        pl.lit(talent_ids).gather(pl.col("talent_id")).alias("talent_id")
    )
    hazards = hazards.with_columns(
        pl.lit(talent_ids).gather(pl.col("talent_id")).alias("talent_id")
    )
    tables = {
        "talents": talents, "employers": employers,
        "policies": policies_frame().filter(pl.col("effective_from") < as_of),
        "subsidies": subsidies, "social_insurance": social, "life_events": life_events,
    }  # fmt: skip
    offer = offer_truth(recorder, p, main, dep, ~flex, talent_ids, subsidies, as_of)
    del recorder
    truth = {"departures": departures, "hazards": hazards, "oracle": oracle, "offer": offer}
    return SimulatedRegistry(tables=tables, truth=truth, as_of=as_of, future_contributions=future)
