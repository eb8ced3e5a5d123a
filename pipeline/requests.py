"""A run's arguments, checked before anything starts (light: no data, store or server code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.checks import (
    LANGS,
    check_choice,
    check_county,
    check_data,
    check_date,
    check_out_folder,
)
from pipeline.errors import UsageError


@dataclass(frozen=True)
class ScoreRequest:
    """One scoring run's arguments, checked."""

    data: Path
    out: Path
    as_of: date
    lang: str = "zh"
    county: str | None = None  # a county code
    contacts: bool = True
    overwrite: bool = False

    @property
    def out_dir(self) -> Path:
        """A county's own lists live apart, so a county run never collides with the city's."""
        return self.out / self.county if self.county else self.out


def score_request(
    data: str | Path,
    out: str | Path,
    as_of: str | date | None = None,
    lang: str = "zh",
    county: str | None = None,
    contacts: bool = True,
    overwrite: bool = False,
) -> ScoreRequest:
    """Check every argument of a scoring run before anything starts (one line when wrong)."""
    return ScoreRequest(
        data=check_data(Path(data)),
        out=check_out_folder(Path(out)),
        as_of=check_date(as_of),
        lang=check_choice(lang, LANGS, "--lang"),
        county=check_county(county),
        contacts=contacts,
        overwrite=overwrite,
    )


@dataclass(frozen=True)
class TrainRequest:
    """One training run's arguments, checked."""

    data: Path
    as_of: date
    truth: Path | None = None  # the simulator's truth folder, when evaluating against it


def train_request(
    data: str | Path, as_of: str | date | None = None, truth: str | Path | None = None
) -> TrainRequest:
    """Check every argument of a training run before anything starts (one line when wrong)."""
    data = check_data(Path(data))
    if truth is not None and not Path(truth).is_dir():
        raise UsageError(f"--truth: {truth}: no such folder")
    return TrainRequest(data, check_date(as_of), Path(truth) if truth is not None else None)
