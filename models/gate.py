"""The promotion gate's absolute floors: what a first champion must show on its own."""

from __future__ import annotations

import math

from runconfig import GateFloors


def floor_failures(metrics: dict[str, float], horizons, floors: GateFloors) -> list[str]:
    """Why the model fails the floors (empty: passes), in short phrases for one line."""
    if not floors.enforce:
        return []
    failures = []
    for h in horizons:
        ece = metrics.get(f"model_ece_{h}m", math.nan)
        if not ece <= floors.ece_max:  # also catches NaN: no calibration figure, no floor passed
            failures.append(f"{h}m ECE {ece:.3f} > {floors.ece_max}")
        for other in floors.beat_baselines:
            lo = metrics.get(f"auc_diff_{other}_lo_{h}m", math.nan)
            hi = metrics.get(f"auc_diff_{other}_hi_{h}m", math.nan)
            if math.isnan(lo):
                failures.append(f"{h}m no bootstrap interval against {other}")
            elif lo <= 0.0:
                failures.append(
                    f"{h}m AUC minus {other}'s 95% interval [{lo:+.3f}, {hi:+.3f}] not above 0"
                )
    return failures


def describe_floors(floors: GateFloors) -> str:
    """The floors in words, for the reason a model passed them."""
    if not floors.enforce:
        return "floors not enforced (configured)"
    beaten = " and ".join(floors.beat_baselines)
    return (
        f"passes the floors (ECE <= {floors.ece_max} and AUC above {beaten} beyond the "
        "bootstrap noise at every horizon)"
    )
