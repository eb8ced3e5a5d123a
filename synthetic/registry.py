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
    # Every month paid (talent_id, month), unlagged, to two months past the hazard horizon.
    full_contributions: pl.DataFrame | None = field(default=None, repr=False)
