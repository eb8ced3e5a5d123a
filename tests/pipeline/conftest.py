"""A small simulated extract (no model) for the checks that need real data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="session")
def small_extract(tmp_path_factory) -> Path:
    """300 simulated talents as of 2026-11-23: contributions up to 2026-10."""
    from pipeline.extract import simulate_registry

    folder = tmp_path_factory.mktemp("small") / "registry"
    simulate_registry(folder, 300, 11, AS_OF)
    return folder
