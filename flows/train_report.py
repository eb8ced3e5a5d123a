"""What a training run says to the person who started it."""

from __future__ import annotations

from datetime import date

import polars as pl

HORIZONS = (3, 6, 12)


def data_digest(extract, frame: pl.DataFrame, as_of: date) -> dict[str, str]:
    """Which extract and which date the model was trained on (the snapshots' own digest is added by models)."""
    return {
        "extract_digest": extract.work_path.name,
        "train_as_of": as_of.isoformat(),
        "snapshot_rows": str(frame.height),
    }


def describe_training(result, run_id: str, decision, settings) -> str:
    """Out-of-time figures per horizon, against baselines and the oracle, and the gate's decision."""
    m = result.metrics
    lines = [
        f"MLflow run {run_id} in {settings.tracking_uri}; model talent-attrition v{decision.version}"
    ]
    lines.append("out-of-time    AUC   (logistic  rule)   oracle  lift share   ECE    Brier")
    for h in HORIZONS:
        if f"model_auc_{h}m" not in m:
            continue
        oracle = m.get(f"oracle_auc_{h}m")
        share = m.get(f"model_oracle_lift_share_{h}m")
        lines.append(
            f"  {h:>2} months  {m[f'model_auc_{h}m']:.3f}  ({m[f'logistic_auc_{h}m']:.3f}  "
            f"{m[f'rule_auc_{h}m']:.3f})   "
            + (f"{oracle:.3f}   {share:>6.0%}   " if oracle is not None else "  -        -      ")
            + f"{m[f'model_ece_{h}m']:.4f} {m[f'model_brier_{h}m']:.4f}"
        )
    verdict = "promoted to champion" if decision.promoted else "NOT promoted"
    lines.append(f"gate: v{decision.version} {verdict}: " + "; ".join(decision.reasons))
    return "\n".join(lines)
