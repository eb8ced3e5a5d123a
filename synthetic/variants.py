"""A family of simulated worlds: mechanism strengths drawn from stated ranges (docs/simulator.md).

Why: a model tuned on one world can be fitted to that world's own mechanism sizes (issue 14).
A variant is an integer (drawn from the ranges below with its own generator, so the talent
draws of `seed` are untouched) or a JSON file of `HazardParams` fields. Variant 0, or none,
is today's world exactly: `HazardParams()` unchanged, and the registry byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from synthetic.hazard import HazardParams

# Each range is an assumption about plausible worlds, not a fact: domain.md gives directions
# (cliffs after the policy period, hometown pull, Spring Festival peak, pay, hukou and family),
# not sizes; the ranges span about half to about twice today's sizes around them.
RANGES: dict[str, tuple[float, float]] = {
    "cliff_peak": (0.5, 1.8),  # after_subsidy_1_6: the log-hazard jump in the 6 months after
    "cliff_decay": (0.3, 0.85),  # 7-18 months over 1-6, and later over 7-18: the cliff's shape
    "during_subsidy": (-0.8, -0.1),
    "hometown_scale": (0.4, 1.6),  # multiplies the hometown terms (dezhou .. overseas)
    "frailty_sd": (0.3, 1.0),  # employer-independent hidden propensity
    "shock_rate": (0.001, 0.01),  # hidden personal shocks per month
    "shock_size": (0.8, 2.0),
    "shrinking_employer": (0.3, 1.6),  # employer frailty: the pull of a shrinking employer
    "closure_probability": (0.15, 0.6),  # leaving the city when the employer closes
    "spring_first": (0.0, 1.0),  # seasonality: the month after Spring Festival
    "spring_second_ratio": (0.2, 0.7),
    "pay": (-2.0, -0.3),  # pay elasticity: per unit of log pay relative to peers
    "ties_scale": (0.4, 1.6),  # multiplies the life-event terms (hukou, spouse, child, ...)
    "gap_rate": (0.001, 0.01),  # reporting noise: short 1-2 month gaps that are not departures
    "base": (0.009, 0.018),
    # Reporting noise, shell employers paying for people who are gone (domain.md). Appended last,
    # so the draws above are what they were before shells existed. Sizes are assumptions: the
    # audit gives a count (281 people at 233 firms), not a rate.
    "shell_share": (0.0, 0.15),  # share of the micro and small private firms that are shells
    "shell_keep": (0.3, 0.9),  # a shell pays on for a talent who left
    "shell_months": (2.0, 12.0),  # mean months it pays on (monthly stop = 1 / this)
}


def draw_variant(variant: int) -> HazardParams:
    """The mechanism strengths of variant `variant` (0: today's world)."""
    if variant == 0:
        return HazardParams()
    rng = np.random.default_rng([20_260_630, variant])
    u = {name: float(rng.uniform(lo, hi)) for name, (lo, hi) in RANGES.items()}
    d = HazardParams()
    peak = u["cliff_peak"]
    return dataclasses.replace(
        d,
        base=u["base"],
        during_subsidy=u["during_subsidy"],
        after_subsidy_1_6=peak,
        after_subsidy_7_18=peak * u["cliff_decay"],
        after_subsidy_later=peak * u["cliff_decay"] ** 2,
        hometown=tuple(x * u["hometown_scale"] for x in d.hometown),
        ties=tuple(x * u["ties_scale"] for x in d.ties),
        frailty_sd=u["frailty_sd"],
        shock_rate=u["shock_rate"],
        shock_size=u["shock_size"],
        shrinking_employer=u["shrinking_employer"],
        closure_probability=u["closure_probability"],
        spring_first=u["spring_first"],
        spring_second=u["spring_first"] * u["spring_second_ratio"],
        pay=u["pay"],
        gap_rate=u["gap_rate"],
        shell_share=u["shell_share"],
        shell_keep=u["shell_keep"],
        shell_stop=1.0 / u["shell_months"],
    )


def read_variant_file(path: Path) -> HazardParams:
    """HazardParams from a JSON object of field values (lists for the tuple fields)."""
    values = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(values, dict):
        raise ValueError(f"{path}: a variant file holds a JSON object of HazardParams fields")
    known = {f.name for f in dataclasses.fields(HazardParams)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"{path}: unknown HazardParams fields {unknown}")
    return dataclasses.replace(
        HazardParams(), **{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    )


def variant_params(variant: str | int | None) -> HazardParams:
    """HazardParams of a variant given as an integer, a JSON file, or None (today's world)."""
    if variant is None:
        return HazardParams()
    if isinstance(variant, int) or str(variant).lstrip("-").isdigit():
        number = int(variant)
        if number < 0:
            raise ValueError(f"--variant: {number} is negative; give 0 or more, or a JSON file")
        return draw_variant(number)
    return read_variant_file(Path(variant))
