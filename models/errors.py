"""What the model store can answer that a user must fix (raised by models/registry.py).

Kept apart from registry.py so that catching them does not import MLflow.
"""

from __future__ import annotations


class ModelStoreUnavailable(Exception):
    """The MLflow store cannot be reached or does not exist; str() is the one-line message."""


class NoChampion(Exception):
    """The store holds no champion model; str() is the one-line message."""
