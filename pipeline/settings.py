"""Where a run's things live (working folder, MLflow store) and what it computes with."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from runconfig import DEFAULT, RunConfig

DEFAULT_STORE = Path("mlruns") / "mlflow.db"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding this project's pyproject.toml.

    A notebook runs in its own folder (notebooks/); the project's store is at the root.
    Falls back to the folder this code was installed from.
    """
    for folder in (start.resolve(), *start.resolve().parents):
        marker = folder / "pyproject.toml"
        if marker.is_file() and 'name = "retention"' in marker.read_text(encoding="utf-8"):
            return folder
    return PROJECT_ROOT


def sqlite_uri(db: Path) -> str:
    """The MLflow tracking URI of a SQLite store file."""
    return f"sqlite:///{db}"


class Settings(BaseModel):
    """The working folder, the MLflow store and the run configuration, frozen for one run."""

    model_config = ConfigDict(frozen=True)

    work_dir: Path = Path("work")
    tracking_uri: str = sqlite_uri(DEFAULT_STORE)
    run: RunConfig = DEFAULT

    @classmethod
    def from_env(cls, root: Path | None = None, **overrides: object) -> Settings:
        """Settings from MLFLOW_TRACKING_URI and RETENTION_WORK_DIR, else the defaults under `root`.

        `root` is the working folder by default (the contract: everything under mlruns/ in
        the working folder); the notebook passes the project root, wherever it is opened from.
        """
        base = Path(root) if root is not None else Path()
        values: dict[str, object] = {
            "work_dir": base / "work",
            "tracking_uri": sqlite_uri(base / DEFAULT_STORE),
        }
        if uri := os.environ.get("MLFLOW_TRACKING_URI"):
            values["tracking_uri"] = uri
        if work := os.environ.get("RETENTION_WORK_DIR"):
            values["work_dir"] = Path(work)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
