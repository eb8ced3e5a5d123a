"""Employers by county and industry, their pay levels, and the shocks some of them suffer."""

import numpy as np

from synthetic.population import COUNTIES, COUNTY_WEIGHTS

INDUSTRIES = ["new_energy", "biomedicine", "equipment_manufacturing", "new_materials", "textiles",
              "food_processing", "fitness_equipment", "chemicals_steel", "electronics", "healthcare",
              "education", "agriculture", "services", "public_administration"]  # fmt: skip
OWNERSHIPS = ["private", "state_owned", "public_institution", "foreign", "government"]
SIZES = ["micro", "small", "medium", "large"]
SIZE_WEIGHT = np.array([1.0, 3.0, 8.0, 25.0], dtype=np.float32)
NEVER = 10_000  # a month index past any horizon

BASE_INDUSTRY = np.array([4, 4, 8, 6, 3, 5, 2, 5, 5, 6, 6, 3, 8, 3], dtype=float)
# Each county's clusters (domain.md): these industries get a large boost there.
COUNTY_INDUSTRIES = {
    "decheng": ["new_energy", "electronics"], "tianqu": ["electronics", "new_energy"],
    "lingcheng": ["textiles", "new_materials"], "yucheng": ["food_processing", "biomedicine"],
    "leling": ["food_processing", "fitness_equipment"], "ningjin": ["fitness_equipment"],
    "qingyun": ["fitness_equipment"], "qihe": ["chemicals_steel", "new_materials"],
    "wucheng": ["new_materials"], "linyi": ["chemicals_steel"], "pingyuan": ["biomedicine"],
    "xiajin": ["textiles", "agriculture"],
}  # fmt: skip
INDUSTRY_WORD = ["新能源", "生物医药", "装备制造", "新材料", "纺织", "食品", "健身器材", "化工",
                 "电子", "医疗", "教育", "农业", "服务", "管理"]  # fmt: skip
BRAND_CHARS = list("华鑫泰恒盛宏达金利源昌隆丰瑞祥安康明德信诚通远鼎新兴海正嘉")
COUNTY_ZH = ["德城区", "陵城区", "禹城市", "乐陵市", "宁津县", "庆云县", "临邑县", "齐河县",
             "平原县", "夏津县", "武城县", "天衢新区"]  # fmt: skip


def draw_employers(
    rng: np.random.Generator, n_employers: int, n_months: int
) -> dict[str, np.ndarray]:
    """Employers sorted by county; the first of each county is a never-failing hospital."""
    n = max(n_employers, 3 * len(COUNTIES))
    county = np.concatenate([np.arange(12), rng.choice(12, size=n - 12, p=COUNTY_WEIGHTS)]).astype(
        np.int8
    )
    industry = np.empty(n, dtype=np.int8)
    for c, name in enumerate(COUNTIES):
        w = BASE_INDUSTRY.copy()
        for ind in COUNTY_INDUSTRIES[name]:
            w[INDUSTRIES.index(ind)] += 25.0
        mask = county == c
        industry[mask] = rng.choice(len(INDUSTRIES), size=int(mask.sum()), p=w / w.sum())
    industry[:12] = INDUSTRIES.index("healthcare")
    u = rng.random(n)
    ownership = np.select([u < 0.72, u < 0.88, u < 0.93], [0, 1, 3], 2).astype(np.int8)
    public = np.isin(industry, [9, 10])
    ownership[public] = np.where(u[public] < 0.75, 2, 0)
    ownership[industry == 13] = 4
    ownership[:12] = 2
    size = rng.choice(4, size=n, p=[0.30, 0.35, 0.25, 0.10]).astype(np.int8)
    size[:12] = 3
    pay = rng.lognormal(0.0, 0.15, size=n) * np.array([1.0, 1.06, 1.0, 1.12, 0.98])[ownership]

    # About 15% of market firms shrink for 4-12 months; half of those then close.
    market = np.isin(ownership, [0, 1, 3])
    shrinks = market & (rng.random(n) < 0.15)
    shrink_start = np.where(shrinks, rng.integers(12, n_months, size=n), NEVER)
    shrink_end = np.where(shrinks, shrink_start + rng.integers(4, 13, size=n), NEVER)
    close = np.where(shrinks & (rng.random(n) < 0.5), shrink_end, NEVER)
    order = np.argsort(county, kind="stable")
    out = {
        "county": county, "industry": industry, "ownership": ownership, "size": size,
        "pay": pay.astype(np.float32), "shrink_start": shrink_start.astype(np.int32),
        "shrink_end": shrink_end.astype(np.int32), "close": close.astype(np.int32),
    }  # fmt: skip
    return {k: v[order] for k, v in out.items()}


def name_employers(rng: np.random.Generator, emp: dict[str, np.ndarray]) -> np.ndarray:
    """Plausible Chinese employer names (not necessarily unique)."""
    n = len(emp["county"])
    b1 = np.array(BRAND_CHARS)[rng.integers(0, len(BRAND_CHARS), n)]
    b2 = np.array(BRAND_CHARS)[rng.integers(0, len(BRAND_CHARS), n)]
    county = np.array(COUNTY_ZH)[emp["county"]]
    word = np.array(INDUSTRY_WORD)[emp["industry"]]
    suffix = np.select(
        [emp["industry"] == 9, emp["industry"] == 10, emp["ownership"] == 4],
        ["医院", "学校", "人民政府办公室"],
        "有限公司",
    )
    names = np.char.add(np.char.add(np.char.add(np.char.add(county, b1), b2), word), suffix)
    hospital = np.arange(n) < 0
    hospital[np.unique(emp["county"], return_index=True)[1]] = True
    return np.where(hospital, np.char.add(county, "人民医院"), names)


def choose_employers(
    rng: np.random.Generator, county: np.ndarray, emp: dict[str, np.ndarray], t: int
) -> np.ndarray:
    """Pick a hiring employer for each talent: same county mostly, by size, alive at month t."""
    w = SIZE_WEIGHT[emp["size"]] * (emp["close"] > t)
    shrinking = (emp["shrink_start"] <= t) & (t < emp["shrink_end"])
    w = np.where(shrinking, 0.2 * w, w)
    cum = np.cumsum(w, dtype=np.float64)
    bounds = np.searchsorted(emp["county"], np.arange(13))
    lo = np.concatenate([[0.0], cum])[bounds[:-1]]
    hi = cum[bounds[1:] - 1]
    target_county = np.where(rng.random(len(county)) < 0.88, county, rng.choice(12, len(county)))
    target = lo[target_county] + rng.random(len(county)) * (hi - lo)[target_county]
    idx = np.searchsorted(cum, target, side="right")
    return np.clip(idx, bounds[target_county], bounds[target_county + 1] - 1).astype(np.int32)
