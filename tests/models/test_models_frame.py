import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from models.frame import encode_frame, fit_feature_spec, to_matrix


def test_levels_are_fixed_from_training_and_unseen_levels_become_missing():
    train = pl.DataFrame({"n": [1, 2, None], "c": ["b", "a", None]})
    spec = fit_feature_spec(train, ["n"], ["c"])
    assert spec.levels == {"c": ("a", "b")}
    later = pl.DataFrame({"c": ["a", "zz", None, "b"], "n": [1.5, None, 3.0, 4.0]})
    expected = pl.DataFrame({"n": [1.5, None, 3.0, 4.0], "c": [0.0, None, None, 1.0]})
    assert_frame_equal(encode_frame(later, spec), expected)


def test_matrix_puts_nan_for_missing_and_orders_numeric_then_categorical():
    spec = fit_feature_spec(pl.DataFrame({"c": ["x"], "n": [1]}), ["n"], ["c"])
    x = to_matrix(pl.DataFrame({"c": ["x", "y"], "n": [2, None]}), spec)
    assert x.dtype == np.float64
    np.testing.assert_array_equal(np.isnan(x), [[False, False], [True, True]])
    assert x[0, 0] == 2.0 and spec.categorical_indices == [1]


def test_missing_feature_column_is_an_error_naming_it():
    spec = fit_feature_spec(pl.DataFrame({"n": [1.0], "c": ["a"]}), ["n"], ["c"])
    with pytest.raises(ValueError, match="'c'"):
        to_matrix(pl.DataFrame({"n": [1.0]}), spec)
