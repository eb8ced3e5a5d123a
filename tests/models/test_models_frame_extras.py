"""The city's optional x_* columns at scoring time: absent or text where the model saw numbers."""

import numpy as np
import polars as pl
import pytest

from models.frame import fit_feature_spec, to_matrix


def _spec():
    train = pl.DataFrame({"age": [30.0, 40.0], "x_survey": [3.0, 4.0], "x_band": ["a", "b"]})
    return fit_feature_spec(train, ["age", "x_survey"], ["x_band"])


def test_absent_x_column_is_scored_as_unknown_with_one_warning(capsys):
    spec = _spec()
    frame = pl.DataFrame({"age": [31.0, 32.0], "x_band": ["a", "b"]})
    x = to_matrix(frame, spec)
    np.testing.assert_array_equal(np.isnan(x[:, 1]), [True, True])
    assert x[:, 0].tolist() == [31.0, 32.0] and x[:, 2].tolist() == [0.0, 1.0]
    to_matrix(frame, spec)  # predict and contributions both encode: still one line
    assert capsys.readouterr().err == (
        "retention: warning: talents: column x_survey that the model was trained on is absent; "
        "scored as unknown\n"
    )


def test_text_where_the_model_saw_numbers_is_unknown_with_one_warning(capsys):
    spec = _spec()
    frame = pl.DataFrame(
        {"age": [31.0] * 4, "x_survey": ["高", "2.5", None, "低"], "x_band": ["a"] * 4}
    )
    x = to_matrix(frame, spec)
    assert np.isnan(x[[0, 2, 3], 1]).all() and x[1, 1] == 2.5
    to_matrix(frame.head(1), spec)  # contributions encode the listed talents: other counts
    assert capsys.readouterr().err == (
        "retention: warning: talents: column x_survey holds 2 values that are not numbers "
        "(高, 低) where the model was trained on numbers; those are scored as unknown\n"
    )


def test_numbers_as_text_are_read_silently_and_other_features_must_be_there(capsys):
    spec = _spec()
    frame = pl.DataFrame({"age": [31.0], "x_survey": ["4"], "x_band": ["b"]})
    assert to_matrix(frame, spec).tolist() == [[31.0, 4.0, 1.0]]
    assert capsys.readouterr().err == ""
    with pytest.raises(ValueError, match="'age'"):
        to_matrix(pl.DataFrame({"x_survey": [1.0], "x_band": ["a"]}), spec)
