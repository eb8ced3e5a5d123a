"""Reasons an officer can act on: the cases of issue 13, one row each, and the actions table."""

import datetime as dt

import polars as pl
import pytest

from reports.actions import ACTIONS_FILE, action_texts, load_actions
from reports.attributes import attribute_labels, read_attribute_labels
from reports.reason_rules import RULES
from reports.risk_list import build_risk_list

AS_OF = dt.date(2026, 11, 23)
BASE = {"tenure_months": 30.0, "months_since_last_contribution": 0.0}
LABELS = pl.DataFrame(
    {
        "column": ["x_survey_intent_to_stay", "x_gender"],
        "label_zh": ["留任意愿调查得分", "性别"],
        "label_en": ["survey: intent to stay", "gender"],
    }
)

# (case, the one feature pushing the risk up, the talent's values, reason_1 or None, action key)
CASES = [
    (
        "no talent left the employer reads as protective",
        "employer_departures_6m",
        {"employer_departures_6m": 0.0},
        None,
        "contact",
    ),
    (
        "a refund due on leaving reads as protective",
        "clawback_amount",
        {"clawback_amount": 88136.0},
        None,
        "contact",
    ),
    (
        "a marriage 111 months ago is stale",
        "married",
        {"married": 1, "months_since_married": 111, "spouse_placed": 0},
        None,
        "contact",
    ),
    (
        "a marriage 5 months ago, spouse not placed",
        "married",
        {"married": 1, "months_since_married": 5, "spouse_placed": 0},
        "5个月前结婚",
        "family",
    ),
    (
        "a subsidy ended 82 months ago is stale",
        "months_to_subsidy_end",
        {
            "months_to_subsidy_end": -82,
            "subsidy_end_date": dt.date(2020, 1, 31),
            "subsidy_type": "living",
        },
        None,
        "contact",
    ),
    (
        "a subsidy ending in 2 months",
        "months_to_subsidy_end",
        {
            "months_to_subsidy_end": 2,
            "subsidy_end_date": dt.date(2027, 1, 31),
            "subsidy_type": "living",
        },
        "生活补贴将于2027-01-31到期(还剩2个月)",
        "subsidy_ending",
    ),
    (
        "a subsidy ending in 30 months is not news yet",
        "months_to_subsidy_end",
        {
            "months_to_subsidy_end": 30,
            "subsidy_end_date": dt.date(2029, 5, 31),
            "subsidy_type": "living",
        },
        None,
        "contact",
    ),
    ("the county on a county's sheet", "county", {"county": "qihe"}, None, "contact"),
    (
        "the county's departure rate is shared by the sheet",
        "county_departure_rate_12m",
        {"county_departure_rate_12m": 0.12},
        None,
        "contact",
    ),
    ("a degree is a bare attribute", "education", {"education": "master"}, None, "contact"),
    ("an unknown field of study", "major_field", {"major_field": None}, None, "contact"),
    (
        "the season is the same for everyone",
        "months_to_spring_festival",
        {"months_to_spring_festival": 2},
        None,
        "contact",
    ),
    (
        "an unlabelled attribute never reaches officers",
        "x_other_score",
        {"x_other_score": 1.0},
        None,
        "contact",
    ),
    (
        "a labelled attribute is worded with its label",
        "x_survey_intent_to_stay",
        {"x_survey_intent_to_stay": 1.0},
        "留任意愿调查得分为1,这一取值使离开风险升高",
        "contact",
    ),
    (
        "a labelled attribute without a value is no fact",
        "x_survey_intent_to_stay",
        {"x_survey_intent_to_stay": None},
        None,
        "contact",
    ),
    (
        "a protected attribute is never a reason, label or not",
        "x_gender",
        {"x_gender": "m"},
        None,
        "contact",
    ),
    (
        "a newcomer who paid every month since arrival",
        "paid_months_12m",
        {"paid_months_12m": 10, "tenure_months": 10.0},
        None,
        "contact",
    ),
    (
        "gaps in contributions since arrival",
        "paid_months_12m",
        {"paid_months_12m": 8, "tenure_months": 40.0},
        "近12个月在德州缴纳社保中断过4个月",
        "job_matching",
    ),
    (
        "a newcomer has no pay from 12 months ago",
        "base_growth_12m",
        {"base_growth_12m": None, "tenure_months": 10.0},
        None,
        "contact",
    ),
    (
        "a pay rise reads as protective",
        "base_growth_12m",
        {"base_growth_12m": 0.2},
        None,
        "contact",
    ),
    ("pay fell", "base_growth_12m", {"base_growth_12m": -0.1}, "近12个月工资下降10%", "pay"),
    (
        "the employer's size is the same for all its staff",
        "employer_headcount",
        {"employer_headcount": 171},
        None,
        "contact",
    ),
    (
        "pay above peers reads as protective",
        "base_ratio_to_peers",
        {"base_ratio_to_peers": 1.2},
        None,
        "contact",
    ),
    (
        "pay below peers",
        "base_ratio_to_peers",
        {"base_ratio_to_peers": 0.7},
        "工资比本县同学历人员低30%",
        "pay",
    ),
    (
        "hukou moved reads as protective",
        "hukou_moved",
        {"hukou_moved": 1, "months_since_hukou_moved": 4},
        None,
        "contact",
    ),
    ("hukou not moved", "hukou_moved", {"hukou_moved": 0}, "户口未迁入德州", "hukou"),
    (
        "a spouse not placed when no marriage is known",
        "spouse_placed",
        {"spouse_placed": 0, "married": 0},
        None,
        "contact",
    ),
    (
        "a married talent whose spouse is not placed",
        "spouse_placed",
        {"spouse_placed": 0, "married": 1},
        "配偶未在德州安置",
        "family",
    ),
    (
        "an employer shrinking",
        "employer_headcount_trend_6m",
        {"employer_headcount_trend_6m": -0.2},
        "所在单位6个月内人员减少20%",
        "job_matching",
    ),
    (
        "stopped paying two months ago",
        "months_since_last_contribution",
        {"months_since_last_contribution": 2.0},
        "已有2个月没有在德州缴纳社保",
        "verify",
    ),
]


def _one(feature: str, values: dict, labels: pl.DataFrame | None = LABELS) -> dict:
    row = {**BASE, **values}
    features = pl.DataFrame([{"talent_id": "T1", **row}], infer_schema_length=None)
    scores = pl.DataFrame(
        {
            "talent_id": ["T1"],
            "as_of": [AS_OF],
            "county": ["qihe"],
            "employer_id": ["E1"],
            "p_leave_3m": [0.2],
            "p_leave_6m": [0.4],
            "p_leave_12m": [0.5],
            "subsidy_end_date": [row.get("subsidy_end_date")],
            "months_to_subsidy_end": [row.get("months_to_subsidy_end")],
        },
        schema_overrides={"subsidy_end_date": pl.Date, "months_to_subsidy_end": pl.Int32},
    )
    contributions = pl.DataFrame({"talent_id": ["T1"], feature: [0.8], "bias": [-1.0]})
    talents = pl.DataFrame(schema=["talent_id", "x_survey_intent_to_stay", "x_gender"])
    tables = {"talents": talents, "attribute_labels": labels} if labels is not None else {}
    return build_risk_list(scores, features, contributions, "1", tables=tables).row(0, named=True)


@pytest.mark.parametrize(
    ("case", "feature", "values", "reason", "action"), CASES, ids=[c[0] for c in CASES]
)
def test_reason_cases_of_issue_13(case, feature, values, reason, action):
    row = _one(feature, values)
    assert row["reason_1"] == reason, case
    assert row["suggested_action"] == action_texts("zh")[action], case


def test_one_reason_per_topic_and_at_most_three():
    features = pl.DataFrame(
        {
            "talent_id": ["T1"],
            "months_to_subsidy_end": [3],
            "subsidy_end_date": [dt.date(2027, 2, 28)],
            "subsidy_type": ["rent"],
            "months_to_policy_expiry": [3],
            "base_ratio_to_peers": [0.6],
            "hukou_moved": [0],
            "home_purchased": [0],
            "employer_headcount_trend_6m": [-0.3],
            "months_since_last_contribution": [0],
        }
    )
    weights = {
        "months_to_policy_expiry": 0.9,
        "months_to_subsidy_end": 0.8,
        "base_ratio_to_peers": 0.7,
        "hukou_moved": 0.6,
        "home_purchased": 0.5,
        "education": 2.0,  # the largest, but a bare attribute
    }
    contributions = pl.DataFrame({"talent_id": ["T1"], **{k: [v] for k, v in weights.items()}})
    scores = features.select(
        "talent_id",
        pl.lit(AS_OF).alias("as_of"),
        pl.lit("decheng").alias("county"),
        pl.lit("E1").alias("employer_id"),
        pl.lit(0.2).alias("p_leave_3m"),
        pl.lit(0.4).alias("p_leave_6m"),
        pl.lit(0.5).alias("p_leave_12m"),
        "subsidy_end_date",
        pl.col("months_to_subsidy_end").cast(pl.Int32),
    )
    row = build_risk_list(scores, features, contributions, "1").row(0, named=True)
    assert [row["reason_1"], row["reason_2"], row["reason_3"]] == [
        "所享补贴政策3个月后到期",  # the subsidy topic once, not twice
        "工资比本县同学历人员低40%",
        "户口未迁入德州",
    ]
    assert row["suggested_action"].startswith("待遇留人：")
    assert row["months_unpaid"] == 0


def test_employer_name_months_unpaid_and_stopped_payers_are_verified():
    features = pl.DataFrame(
        {
            "talent_id": ["T1", "T2", "T3"],
            "months_since_last_contribution": [0, 2, 1],
            "base_ratio_to_peers": [0.5, 0.5, 0.5],
        }
    )
    scores = pl.DataFrame(
        {
            "talent_id": ["T1", "T2", "T3"],
            "as_of": [AS_OF] * 3,
            "county": ["decheng"] * 3,
            "employer_id": ["E1", "E2", "E9"],
            "p_leave_3m": [0.1] * 3,
            "p_leave_6m": [0.5, 0.4, 0.3],
            "p_leave_12m": [0.6] * 3,
            "subsidy_end_date": [None] * 3,
            "months_to_subsidy_end": [None] * 3,
        },
        schema_overrides={"subsidy_end_date": pl.Date, "months_to_subsidy_end": pl.Int32},
    )
    employers = pl.DataFrame({"employer_id": ["E1", "E2"], "employer_name": ["甲公司", "乙公司"]})
    contributions = pl.DataFrame({"talent_id": ["T1", "T2"], "base_ratio_to_peers": [0.5, 0.5]})
    out = build_risk_list(scores, features, contributions, "1", tables={"employers": employers})
    assert out["employer_name"].to_list() == ["甲公司", "乙公司", None]
    assert out["months_unpaid"].to_list() == [0, 2, 1]
    verify = action_texts("zh")["verify"]
    assert out["suggested_action"].to_list() == [action_texts("zh")["pay"], verify, verify]
    en = build_risk_list(scores, features, contributions, "1", lang="en")
    assert en["suggested_action"][1].startswith("verify status: call to confirm")
    assert en["employer_name"].null_count() == 3  # no employers table: null names


def test_every_rule_action_is_in_the_office_table_with_both_languages():
    table = load_actions()
    keys = set(table["key"])
    assert {r.action for r in RULES.values() if r.action} | {"contact", "verify"} <= keys
    assert set(table.columns) == {"key", "lever_zh", "lever_en", "action_zh", "action_en"}
    levers = set(table["lever_zh"])
    assert {"事业留人", "感情留人", "待遇留人"} <= levers
    assert "县级衔接政策" in action_texts("zh")["subsidy_ending"]
    assert ACTIONS_FILE.suffix == ".csv"


def test_a_broken_actions_table_is_refused(tmp_path):
    bad = tmp_path / "actions.csv"
    bad.write_text("key,lever_zh,lever_en,action_zh,action_en\nverify,核实,verify,,call\n")
    with pytest.raises(ValueError, match="action_zh is empty for key verify"):
        load_actions(bad)


def test_a_label_for_a_column_talents_lacks_is_a_one_line_error(tmp_path):
    labels = pl.DataFrame({"column": ["x_missing"], "label_zh": ["满意度"]})
    with pytest.raises(ValueError) as err:
        attribute_labels(labels, ["talent_id", "x_survey"])
    message = str(err.value)
    assert "x_missing" in message and "满意度" in message and "\n" not in message
    assert attribute_labels(None, ["talent_id"]) == {}


def test_attribute_labels_are_read_from_an_extract_folder(tmp_path):
    assert read_attribute_labels(tmp_path) is None
    (tmp_path / "attribute_labels.csv").write_bytes(
        "column,label_zh,label_en\nx_survey,留任意愿调查得分,survey\n".encode("gb18030")
    )
    table = read_attribute_labels(tmp_path)
    assert attribute_labels(table, ["x_survey"]) == {"x_survey": ("留任意愿调查得分", "survey")}
    table.write_parquet(tmp_path / "attribute_labels.parquet")
    with pytest.raises(ValueError, match="more than one format"):
        read_attribute_labels(tmp_path)
