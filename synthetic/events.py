"""Life events that tie a talent to the city, drawn ahead as month indices (-1 = never)."""

import numpy as np

EVENTS = [
    "married",
    "spouse_placed",
    "child_enrolled",
    "home_purchased",
    "hukou_moved",
    "title_awarded",
]


def draw_life_events(rng: np.random.Generator, pop: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Month of each life event after arrival, plus the hidden 'married before arrival' flag."""
    n = len(pop["arrival"])
    arr = pop["arrival"].astype(np.int32)
    age, edu, prog = pop["age_at_arrival"], pop["education"], pop["program"]
    local = pop["hometown"] == 0
    married_before = rng.random(n) < np.clip((age - 25.0) / 10.0, 0.0, 0.85)
    married = np.where(~married_before & (age < 38), arr + rng.geometric(0.014, n), -1)
    spouse_base = np.where(married >= 0, married, np.where(married_before, arr, -1))
    eligible = ((edu <= 1) | np.isin(prog, [1, 2])) & (rng.random(n) < 0.45)
    spouse = np.where(eligible & (spouse_base >= 0), spouse_base + rng.geometric(1 / 8, n), -1)
    child = np.where(
        (married >= 0) & (rng.random(n) < 0.55),
        married + rng.integers(30, 90, n),
        np.where(married_before & (rng.random(n) < 0.4), arr + rng.integers(6, 72, n), -1),
    )
    home_rate = 0.007 * np.where(local, 1.8, 1.0) * np.where(married_before, 1.5, 1.0)
    home = arr + rng.geometric(home_rate)
    hukou = arr + rng.geometric(np.where(local, 0.002, 0.02))
    title = arr + rng.geometric(np.where(edu <= 1, 0.008, 0.004))
    months = [married, spouse, child, home, hukou, title]
    out = {e: m.astype(np.int32) for e, m in zip(EVENTS, months, strict=True)}
    out["married_before"] = married_before
    out["day"] = rng.integers(1, 29, size=(len(EVENTS), n)).astype(np.int32)
    return out
