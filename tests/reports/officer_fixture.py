"""A small but realistic week: a risk list built through build_risk_list, contacts, last week."""

import datetime as dt

import polars as pl

from reports.risk_list import build_risk_list

AS_OF = dt.date(2026, 11, 23)
COUNTIES = ["qihe", "decheng"]


def week(n: int = 120, counties: list[str] = COUNTIES, seed: int = 0) -> dict:
    """risk_list, contacts, previous, tables for n talents spread over the counties."""
    ids = [f"T{i:05d}" for i in range(n)]
    county = [counties[i % len(counties)] for i in range(n)]
    unpaid = [2 if i % 9 == 4 else 1 if i % 9 == 7 else 0 for i in range(n)]
    p6 = [round(0.97 - 0.8 * i / n, 4) for i in range(n)]
    p6[1] = 0.9981  # reads >99% everywhere
    ends = [AS_OF + dt.timedelta(days=30 * (i % 20) - 120) for i in range(n)]
    months = [(e.year - AS_OF.year) * 12 + e.month - AS_OF.month for e in ends]
    scores = pl.DataFrame(
        {
            "talent_id": ids,
            "as_of": [AS_OF] * n,
            "county": county,
            "employer_id": [f"E{i % 7:06d}" for i in range(n)],
            "p_leave_3m": [p / 2 for p in p6],
            "p_leave_6m": p6,
            "p_leave_12m": [min(0.999, p * 1.3) for p in p6],
            "subsidy_end_date": ends,
            "months_to_subsidy_end": pl.Series(months, dtype=pl.Int32),
        }
    )
    features = pl.DataFrame(
        {
            "talent_id": ids,
            "months_since_last_contribution": unpaid,
            "months_to_subsidy_end": months,
            "subsidy_end_date": ends,
            "subsidy_type": ["living", "rent", None][0:1] * n,
            "base_ratio_to_peers": [0.6 + (i % 5) / 10 for i in range(n)],
            "hukou_moved": [i % 2 for i in range(n)],
            "married": [1] * n,
            "months_since_married": [3 + i for i in range(n)],
            "spouse_placed": [0] * n,
            "employer_headcount_trend_6m": [-0.25 if i % 4 == 0 else 0.1 for i in range(n)],
            "tenure_months": [30.0] * n,
            "paid_months_12m": [12 - u for u in unpaid],
            "education": ["master"] * n,
            "county_departure_rate_12m": [0.1] * n,
            "x_gender": ["m", "f"] * (n // 2),
            "x_survey_intent_to_stay": [1.0] * n,
            "x_unlabelled": [3.0] * n,
        }
    )
    contributions = features.select(
        "talent_id",
        *[
            pl.lit(w).alias(c)
            for c, w in {
                "education": 2.0,
                "county_departure_rate_12m": 1.5,
                "x_gender": 1.4,
                "x_unlabelled": 1.3,
                "months_since_last_contribution": 1.2,
                "months_to_subsidy_end": 1.0,
                "base_ratio_to_peers": 0.8,
                "hukou_moved": 0.6,
                "married": 0.5,
                "employer_headcount_trend_6m": 0.4,
                "x_survey_intent_to_stay": 0.3,
            }.items()
        ],
    )
    tables = {
        "talents": pl.DataFrame(
            schema=["talent_id", "x_gender", "x_survey_intent_to_stay", "x_unlabelled"]
        ),
        "employers": pl.DataFrame(
            {
                "employer_id": [f"E{i:06d}" for i in range(7)],
                "employer_name": [
                    "齐河县晶华新材料有限公司",
                    "德州光伏科技股份有限公司",
                    "山东齐鲁化工集团德州分公司",
                    "德州市人民医院",
                    "德州经济技术开发区某某装备制造有限公司",
                    "禹城功能糖生物科技有限公司",
                    "宁津健身器材股份有限公司",
                ],
            }
        ),
        "attribute_labels": pl.DataFrame(
            {
                "column": ["x_survey_intent_to_stay"],
                "label_zh": ["留任意愿调查得分"],
                "label_en": ["survey: intent to stay"],
            }
        ),
    }
    risk_list = build_risk_list(scores, features, contributions, "7", tables=tables)
    contacts = pl.DataFrame(
        {
            "talent_id": ids + ["T99999"],
            "id_number": [f"37140219900101{i:04d}" for i in range(n + 1)],
            "name": [["王小明", "李娜", "张伟", "刘洋", "陈静"][i % 5] for i in range(n + 1)],
            "phone": [f"139{i:08d}" for i in range(n + 1)],
        }
    )
    previous = (
        risk_list.filter(pl.col("talent_id") != "T00003")
        .with_columns(pl.col("p_leave_6m") * 0.7)
        .with_columns(
            pl.when(pl.col("p_leave_6m") >= 0.3)
            .then(pl.lit("high"))
            .when(pl.col("p_leave_6m") >= 0.15)
            .then(pl.lit("medium"))
            .otherwise(pl.lit("low"))
            .alias("risk_tier")
        )
    )
    gone = previous.head(1).with_columns(
        pl.lit("T99999").alias("talent_id"), pl.lit("qihe").alias("county")
    )
    previous = pl.concat([previous, gone])
    return {"risk_list": risk_list, "contacts": contacts, "previous": previous, "tables": tables}
