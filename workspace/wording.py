"""The pages' words in Chinese (default) and English, chosen by Django's active language."""

from __future__ import annotations

from django.utils.translation import get_language

from workspace.models import ACTION_CHOICES, COUNTY_CHOICES

ENGLISH_COUNTIES = {
    "decheng": "Decheng",
    "lingcheng": "Lingcheng",
    "yucheng": "Yucheng",
    "leling": "Leling",
    "ningjin": "Ningjin",
    "qingyun": "Qingyun",
    "linyi": "Linyi",
    "qihe": "Qihe",
    "pingyuan": "Pingyuan",
    "xiajin": "Xiajin",
    "wucheng": "Wucheng",
    "tianqu": "Tianqu New Area",
}
ENGLISH_ACTIONS = {
    "called": "called",
    "visited": "visited",
    "family_service": "family service",
    "job_matching": "job matching",
    "extension_offered": "extension offered",
    "extension_accepted": "extension accepted",
    "declined": "declined",
    "confirmed_left": "confirmed left",
    "confirmed_staying": "confirmed staying",
    "note": "note",
}
SUBSIDY_TYPES = {
    "living": ("生活补贴", "living"),
    "rent": ("租房补贴", "rent"),
    "purchase": ("购房补贴", "home purchase"),
    "settlement": ("安家费", "settlement"),
    "startup": ("创业补贴", "start-up"),
    "allowance": ("津贴", "allowance"),
}


def subsidy_label(code: str) -> str:
    pair = SUBSIDY_TYPES.get(code)
    return code if pair is None else pair[1 if is_english() else 0]


WORDS: dict[str, tuple[str, str]] = {
    "title": ("人才工作台", "Talent workspace"),
    "my_list": ("本县名单", "My county's list"),
    "ledger": ("工作台账", "Ledger"),
    "overview": ("各县总览", "All counties"),
    "logout": ("退出", "Log out"),
    "week": ("名单日期", "List of"),
    "paying": ("在岗需关注", "Paying, at risk"),
    "verify": ("已停缴待核实", "Stopped paying, to verify"),
    "search": ("搜索编号或单位", "Search ID or employer"),
    "tier": ("风险等级", "Risk tier"),
    "all": ("全部", "All"),
    "high": ("高风险", "high"),
    "medium": ("中风险", "medium"),
    "low": ("低风险", "low"),
    "subsidy_end": ("补贴到期", "Subsidy end"),
    "ending_6": ("6个月内到期", "ends within 6 months"),
    "ending_12": ("12个月内到期", "ends within 12 months"),
    "ended": ("已到期", "ended"),
    "status": ("处理情况", "Action status"),
    "acted": ("已处理", "acted on"),
    "not_acted": ("未处理", "not yet"),
    "filter": ("筛选", "Filter"),
    "talent": ("人才编号", "Talent"),
    "employer": ("单位", "Employer"),
    "p6": ("6个月流失概率", "6-month risk"),
    "p12": ("12个月流失概率", "12-month risk"),
    "months_unpaid": ("停缴月数", "Months unpaid"),
    "reasons": ("主要原因", "Reasons"),
    "suggested": ("建议行动", "Suggested action"),
    "subsidies": ("补贴时间线", "Subsidy timeline"),
    "no_subsidies": ("无补贴记录", "No subsidy on record"),
    "risk_history": ("历次名单风险", "Risk across past weeks"),
    "plan": ("补贴延长方案", "Offer plan"),
    "plan_selected": ("入选", "selected"),
    "plan_not_selected": ("未入选", "not selected"),
    "lottery_won": ("抽签中签:请提出延长", "won the draw: offer the extension"),
    "lottery_lost": ("抽签未中签:本期不提出", "lost the draw: no offer this round"),
    "months_gained": ("预计多留月数", "Months gained"),
    "with_offer": ("延长后12个月流失概率", "12-month risk with the offer"),
    "cost": ("费用(元)", "Cost (yuan)"),
    "actions": ("已做工作", "Actions so far"),
    "no_actions": ("尚无记录", "None yet"),
    "record": ("记录工作", "Record an action"),
    "kind": ("类型", "Kind"),
    "date": ("日期", "Date"),
    "note": ("说明", "Note"),
    "follow_up": ("回访日期(可选)", "Follow-up date (optional)"),
    "save": ("保存", "Save"),
    "contact": ("联系方式", "Contact"),
    "reveal": ("查看联系方式(将记入审计日志)", "Show contact (written to the audit log)"),
    "name": ("姓名", "Name"),
    "phone": ("电话", "Phone"),
    "no_contact": ("无联系方式", "No contact on record"),
    "progress": ("本周进度:前50名中已处理", "This week: of the top 50, acted on"),
    "officer": ("经办人", "Officer"),
    "county": ("县区", "County"),
    "listed": ("名单人数", "Listed"),
    "actions_total": ("工作记录数", "Actions"),
    "no_week": ("尚未导入名单", "No list imported yet"),
    "page": ("第", "page"),
    "page_end": ("页", ""),
    "prev_page": ("上一页", "previous"),
    "next_page": ("下一页", "next"),
    "lang_switch": ("English", "中文"),
    "back": ("返回名单", "Back to the list"),
    "follow_up_due": ("回访", "follow up"),
    "saved": ("已保存", "Saved"),
}


def is_english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def county_label(code: str) -> str:
    if is_english():
        return ENGLISH_COUNTIES.get(code, code)
    return dict(COUNTY_CHOICES).get(code, code)


def action_label(code: str) -> str:
    if is_english():
        return ENGLISH_ACTIONS.get(code, code)
    return dict(ACTION_CHOICES).get(code, code)


def words(request) -> dict:
    """Context processor: `w.key` in templates, and the language to switch to."""
    english = is_english()
    return {
        "w": {key: pair[1 if english else 0] for key, pair in WORDS.items()},
        "switch_to": "zh-hans" if english else "en",
        "html_lang": "en" if english else "zh-CN",
        "action_choices": [(code, action_label(code)) for code, _ in ACTION_CHOICES],
    }
