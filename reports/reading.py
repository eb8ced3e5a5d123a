"""「如何阅读」: what tiers and percentages mean and what the officer is asked to do."""

from __future__ import annotations

from reports.numbers import pct
from reports.tiers import OFFICER_CAPACITY, RiskThresholds
from runconfig import DEFAULT


def thresholds_text(thresholds: RiskThresholds, lang: str) -> str:
    """高风险:6个月内离开概率不低于30%;中风险:不低于15%;其余为低风险."""
    high, medium = pct(thresholds.high), pct(thresholds.medium)
    if lang == "zh":
        return f"高风险:6个月内离开概率不低于{high};中风险:不低于{medium};其余为低风险"
    return f"high: P(leave in 6 months) at least {high}; medium: at least {medium}; else low"


def how_to_read(
    lang: str, thresholds: RiskThresholds = DEFAULT.tiers, capacity: int = OFFICER_CAPACITY
) -> list[str]:
    """The short guide printed on the summary sheet and at the end of the report."""
    high, medium = pct(thresholds.high), pct(thresholds.medium)
    if lang == "zh":
        return [
            "离开概率:模型估计此人在今后6个月(或12个月)内停止在德州缴纳社保、离开德州的可能性。"
            "例如40%表示:100个这样的人中,大约40人会在6个月内离开。这是估计,不是定论。",
            f"风险等级:6个月内离开概率不低于{high}为高风险,不低于{medium}为中风险,其余为低风险。"
            f"概率极高或极低时显示为“>99%”或“<1%”。",
            f"「在岗需关注」:仍在德州缴纳社保、还留得住的人,按风险从高到低排列。"
            f"请本周优先联系每县前{capacity}名,按“建议行动”一栏提供服务(事业留人、感情留人、待遇留人)。",
            "「已停缴待核实」:最近已停缴社保的人,多半已换工作、待业或离开。"
            "请电话核实现状并记录结果,这是核实,不是挽留。",
            "原因:只列出属实、与本人相关、近期发生且确实推高风险的情况;不足三条时宁缺毋滥。"
            "「变化」表列出与上周相比新上榜、风险上升、风险下降和已确认离开的人。",
        ]
    return [
        "Probability of leaving: the model's estimate that this person stops paying social "
        "insurance in Dezhou and leaves within 6 (or 12) months. 40% means about 40 in 100 "
        "such people leave within 6 months. It is an estimate, not a verdict.",
        f"Tiers: high at {high} or more within 6 months, medium at {medium} or more, else low. "
        "Very high or very low probabilities show as '>99%' or '<1%'.",
        "Still paying (keep): people still paying in Dezhou, who can still be kept, riskiest "
        f"first. Call the first {capacity} of each county this week and offer the suggested "
        "action (career, family and belonging, pay and benefits).",
        "Stopped paying (verify): people who recently stopped paying have probably changed job, "
        "are between jobs or left. Call to confirm and record what you find: this is "
        "verification, not retention.",
        "Reasons: only facts that are true, about the person, current and really raise the "
        "risk; fewer than three rather than a bad one. The changes list who is new, risen, "
        "fallen or confirmed left since last week.",
    ]
