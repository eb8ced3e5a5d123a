"""Talent policies and the subsidy each talent is granted under them (domain.md amounts)."""

import datetime as dt

import numpy as np
import polars as pl

from synthetic.calendar import month_index

D = dt.date
# policy_id, name, level, effective_from, effective_to, county code (county policies only)
POLICIES = [
    ("DZ-2017-GRAD", "德州市关于加快集聚高校毕业生的若干政策", "city", D(2017, 7, 1), D(2020, 8, 31), None),
    ("DZ-2020-GOLD30", '人才政策"黄金30条"升级版', "city", D(2020, 9, 1), None, None),
    ("DZ-2023-PHD", "德州市博士、博士后人才引进培养若干措施", "city", D(2023, 1, 1), None, None),
    ("DZ-2016-CHIEFTECH", "德州市首席技师选拔管理办法", "city", D(2016, 1, 1), None, None),
    ("QH-2018-GRAD", "齐河县高校毕业生生活补贴实施办法", "county", D(2018, 1, 1), D(2022, 12, 31), "qihe"),
    ("LL-2017-BACH", "乐陵市引进本科毕业生生活补贴办法", "county", D(2017, 1, 1), D(2021, 6, 30), "leling"),
    ("YC-2019-YOUTH", "禹城市青年人才生活补贴暂行办法", "county", D(2019, 7, 1), None, "yucheng"),
    ("DC-2021-GRAD", "德城区高校毕业生生活补贴办法", "county", D(2021, 1, 1), D(2025, 12, 31), "decheng"),
    ("TQ-2020-RENT", "天衢新区人才租房补贴", "county", D(2020, 1, 1), D(2025, 12, 31), "tianqu"),
]  # fmt: skip
P2017, P2020, P2023, PCT, PTQ = 0, 1, 2, 3, 8
COUNTY_LIVING = {4: 7, 5: 3, 6: 2, 7: 0}  # policy index -> county index (COUNTIES order)
NONE = -1


def policies_frame() -> pl.DataFrame:
    """The policies table."""
    cols = list(zip(*POLICIES, strict=True))
    return pl.DataFrame(
        {
            "policy_id": cols[0], "policy_name": cols[1], "level": cols[2],
            "effective_from": cols[3], "effective_to": cols[4],
        },
        schema={"policy_id": pl.String, "policy_name": pl.String, "level": pl.String,
                "effective_from": pl.Date, "effective_to": pl.Date},
    )  # fmt: skip


def _idx(day: dt.date | None) -> int:
    return 10_000 if day is None else month_index(day)


def plan_main_subsidy(pop: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Main periodic subsidy per talent: policy, start month, months, last paid month (capped)."""
    n = len(pop["program"])
    prog, edu, tier, age = pop["program"], pop["education"], pop["tier"], pop["age_at_arrival"]
    start = (pop["arrival"] + 1).astype(
        np.int32
    )  # paid from the month after the first contribution
    policy = np.full(n, NONE, dtype=np.int8)
    months = np.zeros(n, dtype=np.int32)
    amount = np.zeros(n, dtype=np.float32)
    # City living subsidy (2017 rules, then the 2020 upgrade): 3000 / 2000 / 1000 a month, 36 months.
    retro = (pop["arrival"] >= month_index(D(2016, 7, 1))) & (start < _idx(D(2017, 7, 1)))
    city_start = np.where(retro, _idx(D(2017, 7, 1)), start)
    in_city = city_start >= _idx(D(2017, 7, 1))
    city_policy = np.where(city_start >= _idx(D(2020, 9, 1)), P2020, P2017)
    graduate = np.isin(prog, [0, 4, 6])
    rules = [
        (graduate & (edu == 0) & (age <= 40), 3000.0),
        (graduate & (edu == 1) & (age <= 35), 2000.0),
        (graduate & (edu == 2) & (tier == 0) & (age <= 30), 1000.0),
        (np.isin(prog, [1, 2]) & (age <= 40), 3000.0),
    ]
    for mask, yuan in rules:
        m = mask & in_city
        policy[m], months[m], amount[m] = city_policy[m], 36, yuan
        start[m] = city_start[m]
    # Junior college: 500 a month for 60 months from the 2020 upgrade.
    m = graduate & (edu == 3) & (start >= _idx(D(2020, 9, 1)))
    policy[m], months[m], amount[m] = P2020, 60, 500.0
    # Ordinary bachelor's: county living subsidies, 500 a month, 36 months.
    for p, c in COUNTY_LIVING.items():
        lo, hi = _idx(POLICIES[p][3]), _idx(POLICIES[p][4])
        m = (
            graduate
            & (edu == 2)
            & (tier != 0)
            & (pop["county"] == c)
            & (start >= lo)
            & (start <= hi)
        )
        m &= age <= 30
        policy[m], months[m], amount[m] = p, 36, 500.0
    # 2023 PhD and postdoc rules: 5000 a month (36 months; postdocs 24).
    m = np.isin(prog, [1, 2]) & (start >= _idx(D(2023, 1, 1)))
    policy[m], months[m], amount[m] = P2023, np.where(prog[m] == 2, 24, 36), 5000.0
    # Chief technicians: 8000 a year for 4 years.
    m = prog == 3
    policy[m], months[m], amount[m] = PCT, 48, 8000.0 / 12
    end = np.where(policy >= 0, start + months - 1, NONE).astype(np.int32)
    expiry = np.array([_idx(p[4]) for p in POLICIES] + [10_000])[policy]
    capped = np.where((policy >= 4) & (end > expiry), expiry, end).astype(np.int32)
    return {"policy": policy, "start": start, "months": months, "amount": amount, "end": capped}


def plan_lump_sums(
    pop: dict[str, np.ndarray], purchase_month: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Lump sums binding a service period: postdoc settlement, returnee startup, home purchase."""
    n = len(pop["program"])
    start = (pop["arrival"] + 1).astype(np.int32)
    settle = (pop["program"] == 2) & (start >= _idx(D(2023, 1, 1)))
    startup = (pop["program"] == 4) & (start >= _idx(D(2020, 9, 1))) & (rng.random(n) < 0.3)
    purchase = (
        (purchase_month >= 0) & (pop["education"] <= 1) & (purchase_month >= _idx(D(2017, 7, 1)))
    )
    # Purchases under the 2017 rules bind service only until those rules expire.
    expiry = _idx(POLICIES[P2017][4])
    purchase_end = np.where(
        purchase_month <= expiry, np.minimum(purchase_month + 59, expiry), purchase_month + 59
    )
    return {
        "purchase_end": purchase_end.astype(np.int32),
        "settle": settle, "startup": startup, "purchase": purchase, "start": start,
        "purchase_month": purchase_month.astype(np.int32),
    }  # fmt: skip


def lump_in_service(lumps: dict[str, np.ndarray], t: int) -> np.ndarray:
    """Whether some lump sum's service period runs at month t."""
    s = lumps["start"]
    a = (lumps["settle"] & (s <= t) & (t < s + 60)) | (lumps["startup"] & (s <= t) & (t < s + 36))
    p = lumps["purchase_month"]
    return a | (lumps["purchase"] & (p <= t) & (t <= lumps["purchase_end"]))
