"""Which reasons an officer may see: one table, one row per reason the model can give.

A reason is shown only when it is true, specific to the person, current and points the way it
says: a feature's SHAP contribution raising the risk is not enough. Each rule names
- the topic (one reason per topic, so a subsidy ending never takes two of the three places),
- the action key in reports/actions.csv that the reason calls for, and
- `when`: the condition on the talent's own values under which the reason may be shown,
  or None when the feature is never a reason (with `why`).
Cut-offs (months) are explicit below. A feature without a rule is never a reason: a new feature
needs a row here, and a wording in reports/wording_*.py, before officers see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from reports.phrasing import num

SUBSIDY_AHEAD_MONTHS = 12  # a subsidy or policy ending more than 12 months ahead is not news yet
SUBSIDY_ENDED_MONTHS = 6  # a subsidy that ended more than 6 months ago is no longer a lever
MARRIED_RECENT_MONTHS = 24  # a marriage older than 2 years is not a reason to call
PAY_GAP_BELOW_PEERS = 0.95  # pay at least 5% below peers
EMPLOYER_SHRINK = -0.05  # employer lost at least 5% of its paying staff in 6 months
EMPLOYER_DEPARTURES = 0.05  # at least 5% of the employer's talents left the city in 6 months
TITLE_AFTER_MONTHS = 24  # no professional title after two years in the city


@dataclass(frozen=True)
class Rule:
    topic: str | None
    action: str | None
    when: Callable[[], pl.Expr] | None
    why: str = ""


def _never(why: str) -> Rule:
    return Rule(None, None, None, why)


def _subsidy_window() -> pl.Expr:
    m = num("months_to_subsidy_end")
    return m.is_between(-SUBSIDY_ENDED_MONTHS, SUBSIDY_AHEAD_MONTHS)


def _expected_known_months() -> pl.Expr:
    """Known months since arrival within the last 12 (the arrival month may be partial)."""
    return pl.min_horizontal(pl.lit(12.0), num("tenure_months") - 1)


def insurance_gaps() -> pl.Expr:
    """Months without a contribution in the last 12 known months, since arrival, before the
    current stop (which months_since_last_contribution reports on its own)."""
    trailing = num("months_since_last_contribution").fill_null(0)
    return (_expected_known_months() - num("paid_months_12m") - trailing).clip(lower_bound=0)


RULES: dict[str, Rule] = {
    # subsidies and policies: 待遇留人
    "months_to_subsidy_end": Rule("subsidy", "subsidy_ending", _subsidy_window),
    "subsidy_share_of_base": Rule(
        "subsidy",
        "subsidy_ending",
        lambda: (
            (num("subsidy_share_of_base") >= 0.1)
            & num("months_to_subsidy_end").is_between(0, SUBSIDY_AHEAD_MONTHS)
        ),
    ),
    "months_to_policy_expiry": Rule(
        "subsidy",
        "subsidy_ending",
        lambda: num("months_to_policy_expiry").is_between(0, SUBSIDY_AHEAD_MONTHS),
    ),
    "subsidy_type": _never("a bare attribute: the kind of subsidy says nothing to act on"),
    "subsidy_monthly_amount": _never("a bare amount; the subsidy's end is the reason to act on"),
    "active_subsidies": _never("a count with nothing to act on"),
    "lump_sum_in_service": _never("reads as protective: a running service period binds them"),
    "clawback_amount": _never("reads as protective: a refund makes leaving dearer"),
    # pay and career: 事业留人
    "base_ratio_to_peers": Rule(
        "pay", "pay", lambda: num("base_ratio_to_peers") <= PAY_GAP_BELOW_PEERS
    ),
    "base_growth_12m": Rule(
        "pay",
        "pay",
        lambda: (num("base_growth_12m") < 0.005) & (num("tenure_months") >= 13),
    ),
    "contribution_base": _never("a bare amount; the comparison with peers is the reason"),
    "job_changes_12m": Rule("jobs", "job_matching", lambda: num("job_changes_12m") >= 1),
    "job_changes_24m": Rule("jobs", "job_matching", lambda: num("job_changes_24m") >= 2),
    "months_since_job_change": _never("a bare duration with nothing to act on"),
    "title_awarded": Rule(
        "career",
        "career",
        lambda: (
            (num("title_awarded").fill_null(0) < 0.5) & (num("tenure_months") >= TITLE_AFTER_MONTHS)
        ),
    ),
    # social insurance: stopped paying means verify
    "months_since_last_contribution": Rule(
        "unpaid", "verify", lambda: num("months_since_last_contribution") >= 1
    ),
    "paid_months_12m": Rule("gaps", "job_matching", lambda: insurance_gaps() >= 1),
    # the employer
    "employer_headcount_trend_6m": Rule(
        "employer", "job_matching", lambda: num("employer_headcount_trend_6m") <= EMPLOYER_SHRINK
    ),
    "employer_departures_6m": Rule(
        "employer", "job_matching", lambda: num("employer_departures_6m") >= EMPLOYER_DEPARTURES
    ),
    "employer_headcount": _never("a bare size, the same for everyone at the employer"),
    "employer_industry": _never("a bare attribute of the employer"),
    "employer_ownership": _never("a bare attribute of the employer"),
    "employer_size": _never("a bare attribute of the employer"),
    # family and belonging: 感情留人
    "hukou_moved": Rule("hukou", "hukou", lambda: num("hukou_moved").fill_null(0) < 0.5),
    "spouse_placed": Rule(
        "family",
        "family",
        lambda: (num("spouse_placed").fill_null(0) < 0.5) & (num("married") >= 0.5),
    ),
    "child_enrolled": Rule(
        "family",
        "family",
        lambda: (num("child_enrolled").fill_null(0) < 0.5) & (num("married") >= 0.5),
    ),
    "married": Rule(
        "family",
        "family",
        lambda: (
            num("months_since_married").is_between(0, MARRIED_RECENT_MONTHS)
            & (num("spouse_placed").fill_null(0) < 0.5)
        ),
    ),
    "home_purchased": Rule("housing", "housing", lambda: num("home_purchased").fill_null(0) < 0.5),
    # shared by everyone on a sheet, or bare attributes
    "county": _never("the same for everyone on a county's sheet"),
    "county_departure_rate_12m": _never("the same for everyone on a county's sheet"),
    "month_of_year": _never("the same for everyone on the list"),
    "months_to_spring_festival": _never("the same for everyone on the list"),
    "age": _never("a bare attribute with nothing to act on"),
    "education": _never("a bare attribute with nothing to act on"),
    "university_tier": _never("a bare attribute with nothing to act on"),
    "major_field": _never("a bare attribute with nothing to act on"),
    "hometown": _never("a bare attribute with nothing to act on"),
    "program": _never("a bare attribute with nothing to act on"),
    "tenure_months": _never("a bare duration with nothing to act on"),
    "gender": _never("a protected attribute"),
}
# Columns a rule may read besides the feature itself.
RULE_SUPPORT = ["months_to_subsidy_end", "tenure_months", "married", "spouse_placed"]


def rule_for(feature: str, labelled: frozenset[str] = frozenset()) -> Rule:
    """The rule of a reason; x_* attributes are reasons only when labelled and not protected."""
    from features.protected import is_protected

    if feature.startswith("x_"):
        if is_protected(feature):
            return _never("a protected attribute")
        if feature in labelled:  # a missing value is no fact about the person
            return Rule("attribute", "contact", lambda: pl.col(feature).is_not_null())
        return _never("the city's attribute has no label in attribute_labels")
    return RULES.get(feature, _never("no rule for this feature yet"))
