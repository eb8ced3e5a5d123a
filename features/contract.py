"""The registry extract's contract as data: tables, columns, kinds, codes and Chinese aliases.

Kinds of column: ``str`` (free text or key), ``code`` (an enumeration, see ``CODES``),
``date``, ``month`` (first day of the month once parsed) and ``money`` (Float64 yuan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from runconfig import TimeRules

__all__ = ["TimeRules"]  # the contract's time rules, declared in runconfig

COUNTIES: dict[str, tuple[str, ...]] = {
    "decheng": ("德城区", "德城"),
    "lingcheng": ("陵城区", "陵城"),
    "yucheng": ("禹城市", "禹城"),
    "leling": ("乐陵市", "乐陵"),
    "ningjin": ("宁津县", "宁津"),
    "qingyun": ("庆云县", "庆云"),
    "linyi": ("临邑县", "临邑"),
    "qihe": ("齐河县", "齐河"),
    "pingyuan": ("平原县", "平原"),
    "xiajin": ("夏津县", "夏津"),
    "wucheng": ("武城县", "武城"),
    "tianqu": ("天衢新区", "天衢"),
}

# Each enumeration: canonical code -> accepted Chinese aliases (contract.md section 1).
CODES: dict[str, dict[str, tuple[str, ...]]] = {
    "county": COUNTIES,
    "gender": {"M": ("男", "男性"), "F": ("女", "女性")},
    "education": {
        "doctorate": ("博士",),
        "master": ("硕士",),
        "bachelor": ("本科",),
        "junior_college": ("专科", "大专"),
        "technician": ("技师",),
    },
    "university_tier": {
        "double_first_class": ("双一流",),
        "ordinary": ("普通",),
        "vocational": ("高职",),
        "technical_school": ("技工院校",),
        "overseas": ("海外",),
    },
    "major_field": {
        "engineering": ("工学",),
        "science": ("理学",),
        "medicine": ("医学",),
        "economics_management": ("经济管理",),
        "education": ("教育学",),
        "agriculture": ("农学",),
        "humanities_law": ("人文法学",),
        "arts": ("艺术",),
    },
    "hometown": {
        "dezhou": ("德州",),
        "shandong": ("山东省内",),
        "other_province": ("外省",),
        "overseas": ("境外",),
    },
    "program": {
        "graduate_gathering": ("大学生集聚计划",),
        "doctoral": ("博士引进",),
        "postdoc": ("博士后",),
        "chief_technician": ("首席技师",),
        "returnee": ("人才回引",),
        "flexible_expert": ("假日专家", "柔性引进"),
        "other": ("其他",),
    },
    "industry": {
        code: ()
        for code in (
            "new_energy",
            "biomedicine",
            "equipment_manufacturing",
            "new_materials",
            "textiles",
            "food_processing",
            "fitness_equipment",
            "chemicals_steel",
            "electronics",
            "healthcare",
            "education",
            "agriculture",
            "services",
            "public_administration",
        )
    },
    "ownership": {
        "private": ("民营",),
        "state_owned": ("国有",),
        "public_institution": ("事业单位",),
        "foreign": ("外资",),
        "government": ("机关",),
    },
    "size_band": {"micro": ("微型",), "small": ("小型",), "medium": ("中型",), "large": ("大型",)},
    "level": {"city": ("市级",), "county": ("县级",)},
    "subsidy_type": {
        "living": ("生活补贴",),
        "rent": ("租房补贴",),
        "purchase": ("购房补贴",),
        "settlement": ("安家费",),
        "startup": ("创业补贴",),
        "allowance": ("津贴",),
    },
    "event": {
        "married": ("结婚",),
        "spouse_placed": ("配偶安置",),
        "child_enrolled": ("子女入学",),
        "home_purchased": ("购房",),
        "hukou_moved": ("落户",),
        "title_awarded": ("职称评定",),
    },
    # What officers did (the optional `interventions` table, written by the officers' workspace).
    "action": {
        "called": ("电话联系",),
        "visited": ("上门走访",),
        "family_service": ("配偶安置/子女入学服务",),
        "job_matching": ("岗位对接",),
        "extension_offered": ("提出延长补贴",),
        "extension_accepted": ("接受延长补贴",),
        "declined": ("拒绝",),
        "confirmed_left": ("核实已离开",),
        "confirmed_staying": ("核实留下",),
        "note": ("备注",),
    },
}

PII_COLUMNS: tuple[str, ...] = ("id_number", "name", "phone")


@dataclass(frozen=True)
class ColumnSpec:
    """One contract column: its kind, whether a value is required, and its enumeration."""

    name: str
    kind: str  # str | code | date | month | money
    required: bool = False
    codes: str | None = None  # key into CODES for kind "code"
    past: bool = False  # a date that cannot lie after the run date (`reference_date`)
    plausible: tuple[date | None, date | None] = (None, None)  # dates outside are quarantined


@dataclass(frozen=True)
class Reference:
    """A column whose value must be an accepted key of another table."""

    column: str
    table: str


@dataclass(frozen=True)
class TableSpec:
    """One contract table: its columns, key, references and whether the file must exist."""

    name: str
    required: bool
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    date_order: tuple[tuple[str, str], ...] = field(default=())  # (earlier, later) pairs
    after_arrival: str | None = None  # a month column that cannot precede the talent's arrival
    no_overlap: tuple[str, ...] = ()  # periodic rows of one group whose periods cannot overlap

    @property
    def column_names(self) -> list[str]:
        """The contract's column names in order."""
        return [c.name for c in self.columns]


def _col(
    name: str,
    kind: str = "str",
    required: bool = False,
    codes: str | None = None,
    past: bool = False,
    plausible: tuple[date | None, date | None] = (None, None),
) -> ColumnSpec:
    codes = codes if codes or kind != "code" else name
    return ColumnSpec(name, kind, required, codes, past, plausible)


# Plausible dates (docs/bad_input.md): a talent is born 1940-2010; programmes, grants, policies
# and contributions are of this century (and grants and policies end by 2100); a life event
# (a marriage, say) may predate the arrival, not 1960.
BIRTH = (date(1940, 1, 1), date(2010, 12, 31))
THIS_CENTURY = (date(2000, 1, 1), None)
PLANNED = (date(2000, 1, 1), date(2100, 12, 31))
LIFETIME = (date(1960, 1, 1), None)


TABLES: dict[str, TableSpec] = {
    "talents": TableSpec(
        "talents",
        required=True,
        columns=(
            _col("talent_id", required=True),
            _col("id_number"),
            _col("name"),
            _col("phone"),
            _col("gender", "code"),
            _col("birth_date", "date", required=True, past=True, plausible=BIRTH),
            _col("education", "code", required=True),
            _col("university_tier", "code"),
            _col("major_field", "code"),
            _col("hometown", "code", required=True),
            _col("program", "code", required=True),
            _col("arrival_date", "date", required=True, past=True, plausible=THIS_CENTURY),
            _col("county", "code", required=True),
        ),
        key=("talent_id",),
        date_order=(("birth_date", "arrival_date"),),
    ),
    "employers": TableSpec(
        "employers",
        required=True,
        columns=(
            _col("employer_id", required=True),
            _col("employer_name"),
            _col("industry", "code", required=True),
            _col("ownership", "code", required=True),
            _col("size_band", "code"),
            _col("county", "code", required=True),
        ),
        key=("employer_id",),
    ),
    "policies": TableSpec(
        "policies",
        required=True,
        columns=(
            _col("policy_id", required=True),
            _col("policy_name"),
            _col("level", "code"),
            _col("effective_from", "date", required=True, plausible=PLANNED),
            _col("effective_to", "date", plausible=PLANNED),
        ),
        key=("policy_id",),
        date_order=(("effective_from", "effective_to"),),
    ),
    "subsidies": TableSpec(
        "subsidies",
        required=True,
        columns=(
            _col("grant_id", required=True),
            _col("talent_id", required=True),
            _col("policy_id", required=True),
            _col("subsidy_type", "code", required=True),
            _col("monthly_amount", "money"),
            _col("lump_sum", "money"),
            _col("start_date", "date", required=True, plausible=PLANNED),
            _col("end_date", "date", required=True, plausible=PLANNED),
        ),
        key=("grant_id",),
        references=(Reference("talent_id", "talents"), Reference("policy_id", "policies")),
        date_order=(("start_date", "end_date"),),
        no_overlap=("talent_id", "subsidy_type"),
    ),
    "social_insurance": TableSpec(
        "social_insurance",
        required=True,
        columns=(
            _col("talent_id", required=True),
            _col("month", "month", required=True, past=True, plausible=THIS_CENTURY),
            _col("employer_id", required=True),
            _col("contribution_base", "money", required=True),
        ),
        key=("talent_id", "month"),
        references=(Reference("talent_id", "talents"), Reference("employer_id", "employers")),
        after_arrival="month",
    ),
    "life_events": TableSpec(
        "life_events",
        required=False,
        columns=(
            _col("talent_id", required=True),
            _col("event_date", "date", required=True, past=True, plausible=LIFETIME),
            _col("event", "code", required=True),
        ),
        references=(Reference("talent_id", "talents"),),
    ),
    # Leakage: no feature reads interventions (features/ never looks at this table); only the
    # backtest (monitor/) uses it, to split treated from untreated talents.
    "interventions": TableSpec(
        "interventions",
        required=False,
        columns=(
            _col("talent_id", required=True),
            _col("action_date", "date", required=True, past=True, plausible=THIS_CENTURY),
            _col("action", "code", required=True),
            _col("list_as_of", "date", plausible=THIS_CENTURY),
            _col("officer_key"),
        ),
        references=(Reference("talent_id", "talents"),),
    ),
}

# Tables in the order references allow: a table comes after every table it references.
TABLE_ORDER: tuple[str, ...] = (
    "talents",
    "employers",
    "policies",
    "subsidies",
    "social_insurance",
    "life_events",
    "interventions",
)

# Money columns that must be strictly positive rather than merely non-negative.
POSITIVE_MONEY: frozenset[str] = frozenset({"contribution_base"})


def alias_map(codes: str) -> dict[str, str]:
    """Every accepted spelling (lower-cased code or Chinese alias) -> canonical code."""
    mapping: dict[str, str] = {}
    for code, aliases in CODES[codes].items():
        mapping[code.lower()] = code
        for alias in aliases:
            mapping[alias] = code
    return mapping


class ExtractError(Exception):
    """A fatal problem with an extract; str() is the one-line message for the user."""

    @classmethod
    def at(
        cls, file: str, what: str, row: int | None = None, column: str | None = None
    ) -> ExtractError:
        """The error `<file>: row <n>, column <col>: <what>`, leaving out what is unknown."""
        where = [f"row {row}"] if row is not None else []
        where += [f"column {column}"] if column is not None else []
        return cls(f"{file}: {', '.join(where)}: {what}" if where else f"{file}: {what}")
