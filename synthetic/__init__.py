"""The simulated Dezhou registry with its ground truth."""

from synthetic.build import simulate
from synthetic.export import write_registry
from synthetic.oracle import oracle_probabilities
from synthetic.registry import SimulatedRegistry

__all__ = ["SimulatedRegistry", "oracle_probabilities", "simulate", "write_registry"]
