"""Protected attributes: which `x_*` columns of talents are never model features or reasons.

The contract: a city's own `x_*` attributes are model features as they are, except protected
attributes (gender, ethnicity, religion, age bands and similar), which only the fairness audit
uses unless configured. A column is protected when a token of its name (split on `_` and other
separators, lower case) is in PROTECTED_TOKENS, when its name holds one of PROTECTED_PHRASES,
or when it holds one of the Chinese PROTECTED_CJK words. The list is documented in
docs/features.md and docs/actions.md; extend it here, in one place.
"""

from __future__ import annotations

import re

PROTECTED_TOKENS = frozenset(
    {
        "gender",
        "sex",
        "ethnic",
        "ethnicity",
        "nationality",
        "race",
        "religion",
        "religious",
        "faith",
        "disability",
        "disabled",
        "pregnancy",
        "pregnant",
        "political",
    }
)
PROTECTED_PHRASES = ("age_band", "ageband", "age_group", "agegroup", "age_bracket", "age_range")
PROTECTED_CJK = (
    "性别",
    "民族",
    "种族",
    "宗教",
    "信仰",
    "年龄段",
    "年龄组",
    "残疾",
    "怀孕",
    "政治面貌",
)


def is_protected(column: str) -> bool:
    """True when an x_* column names a protected attribute (see the module's lists)."""
    name = column.lower()
    if any(word in name for word in PROTECTED_CJK) or any(p in name for p in PROTECTED_PHRASES):
        return True
    return any(token in PROTECTED_TOKENS for token in re.split(r"[^0-9a-z]+", name) if token)


def protected_columns(columns: list[str]) -> list[str]:
    """The protected x_* columns among `columns`, in their order."""
    return [c for c in columns if c.startswith("x_") and is_protected(c)]
