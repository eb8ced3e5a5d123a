"""Each known feature's reason in zh and en, with the talent's own values."""

import datetime as dt

import polars as pl
import pytest

from reports.wording import SENTENCES, group_feature, word_reason

AS_OF = dt.date(2026, 11, 23)
ROW = {
    "as_of": AS_OF,
    "subsidy_end_date": dt.date(2027, 1, 31),
    "subsidy_type": "living",
    "months_to_subsidy_end": 2,
    "subsidy_monthly_amount": 2000.0,
    "subsidy_share_of_base": 0.35,
    "active_subsidies": 2,
    "lump_sum_in_service": 120000.0,
    "clawback_amount": 48000.0,
    "months_to_policy_expiry": 4,
    "contribution_base": 4500.0,
    "base_growth_12m": -0.1,
    "base_ratio_to_peers": 0.7,
    "job_changes_12m": 2,
    "job_changes_24m": 1,
    "months_since_job_change": 7,
    "months_since_last_contribution": 2,
    "employer_industry": "textiles",
    "employer_ownership": "private",
    "employer_size": "small",
    "employer_headcount_trend_6m": -0.2,
    "employer_departures_6m": 0.15,
    "county_departure_rate_12m": 0.12,
    "employer_hires_6m": 0.05,
    "employer_base_cut_share_12m": 0.4,
    "employer_moves_out_6m": 0.1,
    "employer_departure_rate_eb": 0.18,
    "months_to_second_subsidy_end": 5,
    "months_to_service_end": None,
    "months_since_service_end": 1,
    "stabilising_events": 2,
    "unpaid_months_24m": 3,
    "employer_in_talent_county": 0,
    "hukou_moved": 0,
    "months_since_hukou_moved": None,
    "spouse_placed": 0,
    "months_since_spouse_placed": None,
    "child_enrolled": 1,
    "months_since_child_enrolled": 5,
    "home_purchased": 0,
    "months_since_home_purchased": None,
    "married": 1,
    "months_since_married": None,
    "title_awarded": 0,
    "months_since_title_awarded": None,
    "month_of_year": 11,
    "months_to_spring_festival": 3,
    "age": 29.6,
    "education": "master",
    "university_tier": "double_first_class",
    "major_field": "engineering",
    "hometown": "other_province",
    "program": "graduate_gathering",
    "county": "decheng",
    "tenure_months": 26,
    "paid_months_12m": 9,
    "employer_headcount": 40,
}
EXPECTED = {
    "subsidy_type": ("主要补贴为生活补贴", "main subsidy is a living subsidy"),
    "paid_months_12m": (
        "近12个月在德州缴纳社保中断过1个月",  # 12 known months, 9 paid, 2 of the current stop
        "social insurance in Dezhou broke off for 1 of the last 12 months",
    ),
    "employer_headcount": ("所在单位登记在册的人才40人", "employer has 40 registered talents"),
    "months_to_subsidy_end": (
        "生活补贴将于2027-01-31到期(还剩2个月)",
        "living subsidy ends on 2027-01-31 (2 months left)",
    ),
    "subsidy_monthly_amount": ("每月补贴2,000元", "monthly subsidy of 2,000 yuan"),
    "subsidy_share_of_base": (
        "补贴相当于月缴费基数的35%,到期后收入明显下降",
        "subsidy equals 35% of monthly pay, a drop when it ends",
    ),
    "active_subsidies": ("目前有2项补贴在发", "2 subsidies being paid now"),
    "lump_sum_in_service": (
        "一次性补贴120,000元仍在服务期内",
        "lump-sum grants of 120,000 yuan still bind a service period",
    ),
    "clawback_amount": (
        "现在离开需退还补贴约48,000元",
        "leaving now would mean refunding about 48,000 yuan",
    ),
    "months_to_policy_expiry": (
        "所享补贴政策4个月后到期",
        "the subsidy policy expires in 4 months",
    ),
    "contribution_base": ("月缴费基数4,500元", "monthly pay (contribution base) of 4,500 yuan"),
    "base_growth_12m": ("近12个月工资下降10%", "pay fell 10% in 12 months"),
    "base_ratio_to_peers": (
        "工资比本县同学历人员低30%",
        "pay 30% below peers with the same degree in this county",
    ),
    "job_changes_12m": ("近12个月在德州换了2次工作", "changed employer twice in 12 months"),
    "job_changes_24m": ("近24个月在德州换了1次工作", "changed employer once in 24 months"),
    "months_since_job_change": ("在现单位工作了7个月", "7 months with the current employer"),
    "months_since_last_contribution": (
        "已有2个月没有在德州缴纳社保",
        "no social insurance paid in Dezhou for 2 months",
    ),
    "employer_industry": ("所在单位属纺织行业", "employer in textiles"),
    "employer_ownership": ("在民营企业工作", "works for a private company"),
    "employer_size": ("所在单位为小型单位", "works for a small employer"),
    "employer_headcount_trend_6m": (
        "所在单位6个月内人员减少20%",
        "employer lost 20% of its staff in 6 months",
    ),
    "employer_departures_6m": (
        "所在单位6个月内有15%的人才离开德州",
        "15% of the employer's talents left Dezhou in 6 months",
    ),
    "county_departure_rate_12m": (
        "本县近12个月有12%的人才离开",
        "12% of this county's talents left in the last 12 months",
    ),
    "employer_hires_6m": (
        "所在单位近6个月新进人才相当于现有人数的5%",
        "the employer hired 5% of its staff in 6 months",
    ),
    "employer_base_cut_share_12m": (
        "所在单位40%的人才工资比12个月前低",
        "40% of the employer's talents earn less than 12 months ago",
    ),
    "employer_moves_out_6m": (
        "所在单位近6个月有10%的人才转到市内其他单位",
        "10% of the employer's talents moved to other Dezhou employers in 6 months",
    ),
    "employer_departure_rate_eb": (
        "所在单位人才每年约有18%离开德州",
        "about 18% of the employer's talents leave Dezhou each year",
    ),
    "months_to_second_subsidy_end": (
        "第二项按月补贴5个月后到期",
        "a second monthly subsidy ends in 5 months",
    ),
    "months_to_service_end": (
        "没有在服务期内的一次性补贴",
        "no lump sum with a service period running",
    ),
    "months_since_service_end": (
        "一次性补贴服务期已届满1个月,离开无需退还",
        "the lump sum's service period ended 1 month ago; leaving costs no refund",
    ),
    "stabilising_events": (
        "已有2项落户、购房、成家等稳定因素",
        "2 settling ties (hukou, home, family, title)",
    ),
    "unpaid_months_24m": (
        "近24个月累计3个月未缴社保",
        "3 unpaid months of social insurance in 24 months",
    ),
    "employer_in_talent_county": (
        "所在单位不在本人登记的县市区",
        "employer outside the talent's own county",
    ),
    "hukou_moved": ("户口未迁入德州", "hukou not moved to Dezhou"),
    "spouse_placed": ("配偶未在德州安置", "spouse not placed in Dezhou"),
    "child_enrolled": ("子女5个月前在德州入学", "child enrolled in a Dezhou school 5 months ago"),
    "home_purchased": ("未在德州购房", "has not bought a home in Dezhou"),
    "married": ("已婚", "married"),
    "title_awarded": ("尚未评定职称", "no professional title yet"),
    "month_of_year": ("11月是人员流动较多的月份", "job moves run higher in November"),
    "months_to_spring_festival": (
        "距春节还有3个月,节后是跳槽高峰",
        "3 months to the Spring Festival; job changes peak after it",
    ),
    "age": ("年龄30岁", "aged 30"),
    "education": ("学历为硕士", "holds a master's degree"),
    "university_tier": ("毕业于双一流高校", "studied at a Double First-Class university"),
    "major_field": ("所学专业为工科", "studied engineering"),
    "hometown": ("非德州本地人(外省)", "not a Dezhou native (from another province)"),
    "program": ("通过大学生集聚计划引进", "came under the graduate gathering programme"),
    "county": ("在德城区工作", "works in Decheng"),
    "tenure_months": ("来德州工作26个月", "in Dezhou for 26 months"),
}


def _frame() -> pl.DataFrame:
    return pl.DataFrame([ROW], infer_schema_length=None).with_columns(
        pl.col("^months_since_.*$").cast(pl.Int64)
    )


@pytest.mark.parametrize("feature", sorted(EXPECTED))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_known_feature_is_worded_with_the_talents_values(feature, lang):
    text = _frame().select(word_reason(feature, lang))["reason"].item()
    assert text == EXPECTED[feature][0 if lang == "zh" else 1]


def test_every_sentence_the_module_knows_is_checked():
    assert set(SENTENCES) == set(EXPECTED)


def test_every_catalog_feature_has_its_own_sentence():
    from features.catalog import FEATURES

    assert {group_feature(f.name) for f in FEATURES} <= set(SENTENCES)


def test_subsidy_already_ended_and_no_subsidy():
    frame = pl.DataFrame(
        {
            "as_of": [AS_OF, AS_OF],
            "subsidy_end_date": [dt.date(2026, 5, 31), None],
            "months_to_subsidy_end": [-5, None],
            "subsidy_type": pl.Series([None, None], dtype=pl.String),
        }
    )
    zh = frame.select(word_reason("months_to_subsidy_end", "zh"))["reason"].to_list()
    assert zh == ["补贴已于2026-05-31到期(已过5个月)", "没有按月发放的补贴"]


def test_unknown_feature_uses_its_doc_never_its_name():
    frame = pl.DataFrame({"x_survey_score": [3.25]})
    labels = {"x_survey_score": ("满意度调查得分", "satisfaction survey score")}
    with_label = frame.select(word_reason("x_survey_score", "zh", None, pl.Float64, labels))
    assert with_label["reason"].item() == "满意度调查得分为3.25,这一取值使离开风险升高"
    # a doc built from the column name (as flows.score does) is ignored for x_* attributes
    docs = {"x_survey_score": "登记属性「survey score」"}
    without = frame.select(word_reason("x_survey_score", "zh", docs, pl.Float64))
    assert without["reason"].item() == "登记的其他属性为3.25,这一取值使离开风险升高"
    english = frame.select(word_reason("x_survey_score", "en", None, pl.Float64))
    assert "survey" not in english["reason"].item()
    other = pl.DataFrame({"new_feature": [4]}).select(
        word_reason("new_feature", "en", {"new_feature": "a new measure"}, pl.Int64)
    )
    assert other["reason"].item() == "a new measure: 4"


def test_months_since_an_event_speaks_for_the_event():
    assert group_feature("months_since_spouse_placed") == "spouse_placed"
    assert group_feature("months_since_job_change") == "months_since_job_change"


def test_unknown_whole_numbers_read_without_decimals():
    frame = pl.DataFrame({"x_survey_intent_to_stay": [2.0]})
    text = frame.select(
        word_reason(
            "x_survey_intent_to_stay",
            "zh",
            None,
            pl.Float64,
            {"x_survey_intent_to_stay": ("留任意愿", "intent to stay")},
        )
    )
    assert text["reason"].item() == "留任意愿为2,这一取值使离开风险升高"
