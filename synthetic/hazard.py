"""The monthly departure hazard: its terms and their sizes (documented in docs/simulator.md)."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class HazardParams:
    """Sizes of the hazard's terms; log-hazard unless said otherwise."""

    base: float = 0.013  # monthly rate of a reference talent
    cap: float = 0.6  # no month is certain
    during_subsidy: float = -0.45
    after_subsidy_1_6: float = 1.2
    after_subsidy_7_18: float = 0.7
    after_subsidy_later: float = 0.4
    lump_in_service: float = -0.4
    hometown: tuple[float, ...] = (-0.7, 0.0, 0.5, 0.6)  # dezhou, shandong, other, overseas
    education: tuple[float, ...] = (0.1, 0.35, 0.25, 0.0, -0.4)
    program: tuple[float, ...] = (0.0, 0.0, 0.3, -0.5, -0.3, 0.0, 0.1)
    ties: tuple[float, ...] = (-0.2, -0.6, -0.6, -0.7, -0.5, -0.25)  # events.EVENTS order
    married_before: float = -0.15  # hidden: not in the registry
    pay: float = -1.0  # per unit of log pay relative to peers
    shrinking_employer: float = 1.0
    closure_probability: float = 0.35  # leave the city when the employer closes
    spring_first: float = 0.6
    spring_second: float = 0.3
    age_per_year: float = -0.05  # around age 28, clipped to [-0.6, 0.4]
    first_six_months: float = 0.3
    frailty_sd: float = 0.65  # hidden individual propensity (lognormal frailty)
    shock_rate: float = 0.004  # hidden personal shocks per month
    shock_months: int = 3
    shock_size: float = 1.4
    gap_rate: float = 0.004  # short 1-2 month gaps that are not departures
    job_change_rate: float = 0.011
    # Reporting noise: shell employers paying for people who are gone (domain.md: a 2020
    # Shenzhen audit found 281 people at 233 non-tax-paying firms drawing subsidies). A share of
    # micro and small private firms are shells; when a talent of theirs leaves the city, the
    # shell keeps paying at the floor base with probability shell_keep, and each month it stops
    # with probability shell_stop. The registry sees the departure only when it stops. 0: none.
    shell_share: float = 0.0
    shell_keep: float = 0.6
    shell_stop: float = 1 / 6


def static_log_hazard(
    p: HazardParams, pop: dict[str, np.ndarray], frailty: np.ndarray, married_before: np.ndarray
) -> np.ndarray:
    """The time-constant part of the log hazard, hidden frailty included."""
    eta = (
        np.asarray(p.hometown)[pop["hometown"]]
        + np.asarray(p.education)[pop["education"]]
        + np.asarray(p.program)[pop["program"]]
        + p.married_before * married_before
        + frailty
    )
    return eta.astype(np.float32)


def subsidy_log_hazard(p: HazardParams, start: np.ndarray, end: np.ndarray, t: int) -> np.ndarray:
    """The subsidy clock: lower while paid, sharply higher in the months after it ends."""
    has = end >= 0
    after = t - end
    return np.select(
        [has & (start <= t) & (after <= 0), has & (after >= 1) & (after <= 6),
         has & (after >= 7) & (after <= 18), has & (after > 18)],
        [p.during_subsidy, p.after_subsidy_1_6, p.after_subsidy_7_18, p.after_subsidy_later],
        0.0,
    ).astype(np.float32)  # fmt: skip


def to_probability(p: HazardParams, eta: np.ndarray) -> np.ndarray:
    """Monthly probability from the log hazard: 1 - exp(-base * exp(eta)), capped."""
    h = -np.expm1(-p.base * np.exp(eta.astype(np.float64)))
    return np.minimum(h, p.cap).astype(np.float32)
