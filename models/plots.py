"""Evaluation figures as PNG bytes (matplotlib's object API on the Agg canvas, no pyplot state)."""

from __future__ import annotations

import io

import polars as pl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def render_png(fig: Figure) -> bytes:
    """PNG bytes of a figure."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def plot_reliability(tables: dict[str, pl.DataFrame], horizon: int) -> bytes:
    """Reliability diagram: observed rate against mean predicted probability per bin, one line per scorer."""
    fig = Figure(figsize=(5.0, 5.0))
    ax = fig.add_subplot(1, 1, 1)
    top = max([0.05, *[float(max(t["mean_p"].max(), t["rate"].max())) for t in tables.values()]])
    ax.plot([0, top], [0, top], color="grey", linestyle="--", linewidth=1, label="perfect")
    for name, table in tables.items():
        ax.plot(
            table["mean_p"].to_numpy(),
            table["rate"].to_numpy(),
            marker="o",
            markersize=3,
            label=name,
        )
    ax.set_xlabel("mean predicted probability (equal-frequency bins)")
    ax.set_ylabel("observed departure rate")
    ax.set_title(f"Reliability, departure within {horizon} months (out-of-time)")
    ax.legend(loc="upper left", fontsize=8)
    return render_png(fig)


def plot_lift(tables: dict[str, pl.DataFrame], horizon: int) -> bytes:
    """Lift by decile (1 = highest risk), one bar group per scorer."""
    fig = Figure(figsize=(6.0, 4.0))
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / max(len(tables), 1)
    for i, (name, table) in enumerate(tables.items()):
        ax.bar(
            table["decile"].to_numpy() + i * width - 0.4 + width / 2,
            table["lift"].to_numpy(),
            width,
            label=name,
        )
    ax.axhline(1.0, color="grey", linewidth=1)
    ax.set_xlabel("decile of predicted risk (1 = highest)")
    ax.set_ylabel("lift over base rate")
    ax.set_title(f"Lift by decile, {horizon} months (out-of-time)")
    ax.legend(fontsize=8)
    return render_png(fig)
