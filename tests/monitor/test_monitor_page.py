"""monitor.html: Chinese by default, plain words first, self-contained."""

from __future__ import annotations

from datetime import date

import polars as pl

from monitor.drift import expected_departures
from monitor.monitor_page import render_monitor
from monitor.trigger import RetrainDecision


def test_the_page_says_the_decision_in_plain_chinese_and_holds_no_external_file():
    drift = pl.DataFrame(
        {"feature": ["months_since_job_change", "p_leave_6m"], "kind": ["numeric", "score"],
         "importance_rank": [1, None], "psi": [0.45, 0.05], "psi_limit": [0.2, 0.2],
         "drifted": [True, False], "top_feature": [True, False],
         "null_share_reference": [0.0, 0.0], "null_share_now": [0.0, 0.0],
         "null_share_changed": [False, False], "new_levels": ["", ""]},
        schema_overrides={"importance_rank": pl.Int32},
    )  # fmt: skip
    scores = pl.DataFrame(
        {"talent_id": ["a", "b", "c"], "county": ["qihe", "qihe", "qihe"],
         "risk_tier": ["high", "low", "medium"], "p_leave_6m": [0.4, 0.1, 0.2]}
    )  # fmt: skip
    decision = RetrainDecision(
        True, ["(c) PSI 0.450 > 0.200 on months_since_job_change (importance rank 1)"], ["(a) x"]
    )
    page = render_monitor(
        drift, expected_departures(scores, (6,), 50), decision, pl.DataFrame(), pl.DataFrame(),
        date(2026, 11, 23), "3",
    )  # fmt: skip
    assert "结论：需要重新训练模型。" in page
    assert "对模型判断最重要的特征之一" in page and "months_since_job_change" in page
    assert "齐河县 前50名" in page and "0.7" in page  # expected leavers of the top 50
    # read as an officer would: everyone, the tiers from high to low, then the counties
    at = [page.index(f"<td>{name}</td>") for name in ("全部", "高风险", "中风险", "低风险")]
    assert at == sorted(at) and at[-1] < page.index("<td>齐河县 前50名</td>")
    assert "<script" not in page and "http" not in page and 'lang="zh-CN"' in page
    english = render_monitor(
        drift, expected_departures(scores, (6,), 50), decision, pl.DataFrame(), pl.DataFrame(),
        date(2026, 11, 23), "3", lang="en",
    )  # fmt: skip
    assert "Decision: retrain the model." in english and "Qihe top 50" in english
