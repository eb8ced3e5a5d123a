"""Protected x_* attributes are never model features (unless configured) nor reasons."""

import polars as pl
import pytest

from features.catalog import model_columns
from features.protected import is_protected, protected_columns


@pytest.mark.parametrize(
    "column",
    [
        "x_gender",
        "x_sex",
        "x_Gender_code",
        "x_性别",
        "x_民族",
        "x_ethnicity",
        "x_religion",
        "x_宗教信仰",
        "x_age_band",
        "x_agegroup",
        "x_年龄段",
        "x_disability",
    ],
)
def test_protected_names(column):
    assert is_protected(column)


@pytest.mark.parametrize(
    "column", ["x_survey_intent_to_stay", "x_essex_office", "x_usage", "x_page_views", "x_满意度"]
)
def test_ordinary_names(column):
    assert not is_protected(column)


def test_protected_attributes_are_not_model_features_unless_configured():
    frame = pl.DataFrame({"age": [30.0], "x_gender": ["m"], "x_score": [1.0], "x_民族": ["汉"]})
    assert model_columns(frame) == (["age", "x_score"], [])
    assert model_columns(frame, allow_protected=("x_gender",)) == (["age", "x_score"], ["x_gender"])
    assert protected_columns(frame.columns) == ["x_gender", "x_民族"]
