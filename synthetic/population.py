"""Who arrives in Dezhou, when, with what background, and the employers they join."""

import datetime as dt

import numpy as np

from synthetic.calendar import days_in_months, month_index, month_starts

EDUCATION = ["doctorate", "master", "bachelor", "junior_college", "technician"]
TIERS = ["double_first_class", "ordinary", "vocational", "technical_school", "overseas"]
MAJORS = ["engineering", "science", "medicine", "economics_management", "education",
          "agriculture", "humanities_law", "arts"]  # fmt: skip
HOMETOWNS = ["dezhou", "shandong", "other_province", "overseas"]
PROGRAMS = ["graduate_gathering", "doctoral", "postdoc", "chief_technician", "returnee",
            "flexible_expert", "other"]  # fmt: skip
COUNTIES = ["decheng", "lingcheng", "yucheng", "leling", "ningjin", "qingyun", "linyi", "qihe",
            "pingyuan", "xiajin", "wucheng", "tianqu"]  # fmt: skip
COUNTY_WEIGHTS = np.array([0.20, 0.07, 0.08, 0.07, 0.06, 0.04, 0.07, 0.09, 0.06, 0.06, 0.08, 0.12])
FLEX = PROGRAMS.index("flexible_expert")

# Relative intake by year (2020: +105% on 2019 as the city reported), 2016..2026.
YEAR_WEIGHTS = np.array([1.0, 1.3, 1.7, 2.1, 4.4, 4.8, 5.4, 5.8, 6.2, 6.5, 6.8])
GRADUATE_SEASON = np.array([2, 2, 3, 3, 4, 8, 22, 20, 12, 6, 3, 2], dtype=float)
PROGRAM_MIX = np.array([0.74, 0.015, 0.005, 0.02, 0.08, 0.03, 0.11])
# Education mix per program, in EDUCATION order.
EDUCATION_MIX = {
    "graduate_gathering": [0.0, 0.08, 0.50, 0.42, 0.0],
    "doctoral": [1.0, 0, 0, 0, 0],
    "postdoc": [1.0, 0, 0, 0, 0],
    "chief_technician": [0, 0, 0, 0, 1.0],
    "returnee": [0.04, 0.14, 0.50, 0.27, 0.05],
    "flexible_expert": [0.40, 0.30, 0.30, 0, 0],
    "other": [0.0, 0.08, 0.40, 0.37, 0.15],
}
# Mean and spread of the age at arrival by education; returnees and "other" come later.
AGE_AT_ARRIVAL = {0: (30.0, 3.0), 1: (25.5, 1.5), 2: (22.5, 1.2), 3: (20.8, 1.0), 4: (34.0, 6.0)}


def _draw_arrivals(rng: np.random.Generator, program: np.ndarray, as_of: dt.date) -> np.ndarray:
    """Arrival month index: intake growing by year; graduates mostly in July-September."""
    last = month_index(as_of)
    k = np.arange(last + 1)
    year_w = YEAR_WEIGHTS[np.minimum(k // 12, len(YEAR_WEIGHTS) - 1)]
    partial = np.ones(last + 1)
    partial[last] = (as_of.day - 1) / days_in_months(last + 1)[last]
    arrival = np.empty(len(program), dtype=np.int32)
    for graduate in (True, False):
        season = GRADUATE_SEASON[k % 12] if graduate else np.ones(last + 1)
        pmf = year_w * season * partial
        mask = (program == 0) if graduate else (program != 0)
        arrival[mask] = rng.choice(last + 1, size=int(mask.sum()), p=pmf / pmf.sum())
    return arrival


def draw_talents(rng: np.random.Generator, n: int, as_of: dt.date) -> dict[str, np.ndarray]:
    """Static attributes of n talents as integer codes, arrival month and day, age."""
    program = rng.choice(len(PROGRAMS), size=n, p=PROGRAM_MIX).astype(np.int8)
    education = np.empty(n, dtype=np.int8)
    for p, name in enumerate(PROGRAMS):
        mask = program == p
        education[mask] = rng.choice(5, size=int(mask.sum()), p=EDUCATION_MIX[name])
    arrival = _draw_arrivals(rng, program, as_of)
    dim = days_in_months(int(arrival.max()) + 1)[arrival]
    last = month_index(as_of)
    dim = np.where(arrival == last, as_of.day - 1, dim)
    arrival_day = (1 + np.floor(rng.random(n) * dim)).astype(np.int32)

    tier = np.full(n, -1, dtype=np.int8)
    u = rng.random(n)
    post = education <= 1
    tier[post] = np.select([u[post] < 0.30, u[post] < 0.90], [0, 1], 4)
    bach = education == 2
    tier[bach] = np.select([u[bach] < 0.10, u[bach] < 0.98], [0, 1], 4)
    tier[education == 3] = 2
    tier[education == 4] = 3
    tier[rng.random(n) < 0.04] = -1  # the registry misses some

    major = rng.choice(8, size=n, p=[0.38, 0.12, 0.10, 0.16, 0.07, 0.05, 0.07, 0.05]).astype(
        np.int8
    )
    major[rng.random(n) < 0.03] = -1
    hometown = rng.choice(4, size=n, p=[0.45, 0.35, 0.18, 0.02]).astype(np.int8)
    hometown[program == PROGRAMS.index("returnee")] = 0
    hometown[program == FLEX] = rng.choice(
        4, size=int((program == FLEX).sum()), p=[0.05, 0.75, 0.18, 0.02]
    )
    gender = (rng.random(n) < 0.45).astype(np.int8)  # 1 = F
    county = rng.choice(12, size=n, p=COUNTY_WEIGHTS).astype(np.int8)

    mean = np.array([AGE_AT_ARRIVAL[e][0] for e in range(5)])[education]
    sd = np.array([AGE_AT_ARRIVAL[e][1] for e in range(5)])[education]
    mean = mean + np.select(
        [program == 2, program == 4, program == 6, program == FLEX], [1.5, 4.0, 2.5, 15.0], 0.0
    )
    age = np.clip(rng.normal(mean, sd + np.where(program >= 4, 3.0, 0.0)), 18.0, 62.0)
    arrival_date = month_starts(last + 1)[arrival] + (arrival_day - 1).astype("timedelta64[D]")
    birth_date = arrival_date - np.round(age * 365.25).astype("timedelta64[D]")
    return {
        "program": program, "education": education, "tier": tier, "major": major,
        "hometown": hometown, "gender": gender, "county": county, "arrival": arrival,
        "arrival_date": arrival_date, "birth_date": birth_date, "age_at_arrival": age.astype(np.float32),
    }  # fmt: skip
