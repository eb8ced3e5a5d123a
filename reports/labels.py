"""Chinese and English labels for the contract's codes and the risk list's columns."""

from __future__ import annotations

import polars as pl

ENUM_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "education": {
        "doctorate": ("博士", "a doctorate"),
        "master": ("硕士", "a master's degree"),
        "bachelor": ("本科", "a bachelor's degree"),
        "junior_college": ("专科", "a junior-college diploma"),
        "technician": ("技师", "a technician's qualification"),
    },
    "university_tier": {
        "double_first_class": ("双一流高校", "a Double First-Class university"),
        "ordinary": ("普通高校", "an ordinary university"),
        "vocational": ("高职院校", "a vocational college"),
        "technical_school": ("技工院校", "a technical school"),
        "overseas": ("海外高校", "an overseas university"),
    },
    "major_field": {
        "engineering": ("工科", "engineering"),
        "science": ("理科", "science"),
        "medicine": ("医学", "medicine"),
        "economics_management": ("经济管理", "economics and management"),
        "education": ("教育", "education"),
        "agriculture": ("农学", "agriculture"),
        "humanities_law": ("人文法律", "humanities and law"),
        "arts": ("艺术", "arts"),
    },
    "program": {
        "graduate_gathering": ("大学生集聚计划", "the graduate gathering programme"),
        "doctoral": ("博士引进", "the doctoral recruitment programme"),
        "postdoc": ("博士后", "the postdoctoral programme"),
        "chief_technician": ("首席技师", "the chief technician programme"),
        "returnee": ("人才回引", "the returnee programme"),
        "flexible_expert": ("假日专家", "the flexible expert programme"),
        "other": ("其他项目", "another programme"),
    },
    "county": {
        "decheng": ("德城区", "Decheng"),
        "lingcheng": ("陵城区", "Lingcheng"),
        "yucheng": ("禹城市", "Yucheng"),
        "leling": ("乐陵市", "Leling"),
        "ningjin": ("宁津县", "Ningjin"),
        "qingyun": ("庆云县", "Qingyun"),
        "linyi": ("临邑县", "Linyi"),
        "qihe": ("齐河县", "Qihe"),
        "pingyuan": ("平原县", "Pingyuan"),
        "xiajin": ("夏津县", "Xiajin"),
        "wucheng": ("武城县", "Wucheng"),
        "tianqu": ("天衢新区", "Tianqu New Area"),
    },
    "industry": {
        "new_energy": ("新能源", "new energy"),
        "biomedicine": ("生物医药", "biomedicine"),
        "equipment_manufacturing": ("装备制造", "equipment manufacturing"),
        "new_materials": ("新材料", "new materials"),
        "textiles": ("纺织", "textiles"),
        "food_processing": ("食品加工", "food processing"),
        "fitness_equipment": ("健身器材", "fitness equipment"),
        "chemicals_steel": ("化工钢铁", "chemicals and steel"),
        "electronics": ("电子信息", "electronics"),
        "healthcare": ("医疗卫生", "healthcare"),
        "education": ("教育", "education"),
        "agriculture": ("农业", "agriculture"),
        "services": ("服务业", "services"),
        "public_administration": ("公共管理", "public administration"),
    },
    "ownership": {
        "private": ("民营企业", "a private company"),
        "state_owned": ("国有企业", "a state-owned company"),
        "public_institution": ("事业单位", "a public institution"),
        "foreign": ("外资企业", "a foreign-owned company"),
        "government": ("机关单位", "a government body"),
    },
    "size_band": {
        "micro": ("微型", "micro"),
        "small": ("小型", "small"),
        "medium": ("中型", "medium-sized"),
        "large": ("大型", "large"),
    },
    "subsidy_type": {
        "living": ("生活补贴", "living subsidy"),
        "rent": ("租房补贴", "rent subsidy"),
        "purchase": ("购房补贴", "home purchase subsidy"),
        "settlement": ("安家费", "settlement grant"),
        "startup": ("创业补贴", "start-up subsidy"),
        "allowance": ("津贴", "allowance"),
    },
    "risk_tier": {
        "high": ("高风险", "high"),
        "medium": ("中风险", "medium"),
        "low": ("低风险", "low"),
    },
}

COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "as_of": ("评估日期", "As of"),
    "talent_id": ("人才编号", "Talent ID"),
    "county": ("县市区", "County"),
    "employer_id": ("单位编号", "Employer ID"),
    "p_leave_3m": ("3个月内离开概率", "P(leave in 3 months)"),
    "p_leave_6m": ("6个月内离开概率", "P(leave in 6 months)"),
    "p_leave_12m": ("12个月内离开概率", "P(leave in 12 months)"),
    "subsidy_end_date": ("补贴到期日", "Subsidy end date"),
    "months_to_subsidy_end": ("距补贴到期(月)", "Months to subsidy end"),
    "risk_tier": ("风险等级", "Risk tier"),
    "reason_1": ("原因一", "Reason 1"),
    "reason_2": ("原因二", "Reason 2"),
    "reason_3": ("原因三", "Reason 3"),
    "model_version": ("模型版本", "Model version"),
    "name": ("姓名", "Name"),
    "phone": ("电话", "Phone"),
    "id_number": ("身份证号", "ID number"),
    "change": ("变化", "Change"),
    "risk_tier_previous": ("上期风险等级", "Previous risk tier"),
    "tier_change": ("等级变化", "Tier change"),
    "p_leave_6m_previous": ("上期6个月内离开概率", "Previous P(leave in 6 months)"),
    "talents_scored": ("评估人数", "Talents scored"),
    "tier_high": ("高风险人数", "High risk"),
    "tier_medium": ("中风险人数", "Medium risk"),
    "tier_low": ("低风险人数", "Low risk"),
    "thresholds": ("风险等级阈值", "Tier thresholds"),
    "employer_name": ("单位名称", "Employer"),
    "months_unpaid": ("停缴月数", "Months unpaid"),
    "suggested_action": ("建议行动", "Suggested action"),
    "rank": ("序号", "No."),
    "task": ("核实事项", "What to check"),
    "employer": ("单位", "Employer"),
    "p_leave_12m_short": ("12个月内离开概率", "P(leave in 12 months)"),
}

TITLES = {
    "report": ("{}人才流失风险周报", "{} talent attrition weekly report"),
    "city": ("德州市", "Dezhou"),
}


def report_title(county: str | None, lang: str) -> str:
    """The outputs' title: a county's own (齐河县人才流失风险周报) or the city's."""
    zh = lang == "zh"
    if county:
        pair = ENUM_LABELS["county"].get(county)
        place = (pair[0] if zh else pair[1]) if pair else county
    else:
        place = TITLES["city"][0 if zh else 1]
    return TITLES["report"][0 if zh else 1].format(place)


def county_name(code: str | None, lang: str) -> str:
    """A county code as its name ('qihe' -> 齐河县); unknown codes kept as they are."""
    if code is None:
        return "—"
    pair = ENUM_LABELS["county"].get(code)
    return code if pair is None else pair[0 if lang == "zh" else 1]


def tier_name(tier: str | None, lang: str) -> str:
    """高风险/中风险/低风险 or high/medium/low."""
    if tier is None:
        return "—"
    pair = ENUM_LABELS["risk_tier"].get(tier)
    return tier if pair is None else pair[0 if lang == "zh" else 1]


def label_code(column: pl.Expr, kind: str, lang: str) -> pl.Expr:
    """Expression mapping a contract code to its zh/en label (unknown codes kept as they are)."""
    pick = 0 if lang == "zh" else 1
    mapping = {code: pair[pick] for code, pair in ENUM_LABELS[kind].items()}
    return column.cast(pl.String).replace(mapping)


def label_column(name: str, lang: str) -> str:
    """Header for a risk-list column in the officers' language."""
    pair = COLUMN_LABELS.get(name)
    if pair is None:
        return name
    return pair[0] if lang == "zh" else pair[1]


def check_lang(lang: str) -> str:
    """Return lang when it is supported (zh or en), else raise ValueError."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return lang
