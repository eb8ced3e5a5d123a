"""The simulator's output: the extract at as_of and the ground truth."""

import datetime as dt
from dataclasses import dataclass, field

import polars as pl


@dataclass
class SimulatedRegistry:
    """The extract as it stood at as_of (tables) and what only the simulator knows (truth)."""

    tables: dict[str, pl.DataFrame]
    truth: dict[str, pl.DataFrame]
    as_of: dt.date = dt.date(2026, 11, 23)
    # Months paid after the extract's last known month (talent_id, month), to two months past
    # the hazard horizon: for checks only, never written.
    future_contributions: pl.DataFrame | None = field(default=None, repr=False)

    def full_contributions(self) -> pl.DataFrame:
        """Every month paid (talent_id, month as Date), unlagged, including the simulated future."""
        known = self.tables["social_insurance"].select(
            "talent_id", pl.col("month").str.to_date("%Y-%m")
        )
        return pl.concat([known, self.future_contributions]).sort("talent_id", "month")
