"""Talents and their weekly list rows, contacts (one table), subsidies, plans, actions, audit."""

from __future__ import annotations

from django.conf import settings
from django.db import models

COUNTY_CHOICES = [
    ("decheng", "德城区"),
    ("lingcheng", "陵城区"),
    ("yucheng", "禹城市"),
    ("leling", "乐陵市"),
    ("ningjin", "宁津县"),
    ("qingyun", "庆云县"),
    ("linyi", "临邑县"),
    ("qihe", "齐河县"),
    ("pingyuan", "平原县"),
    ("xiajin", "夏津县"),
    ("wucheng", "武城县"),
    ("tianqu", "天衢新区"),
]
# The contract's interventions.action codes, with their Chinese labels.
ACTION_CHOICES = [
    ("called", "电话联系"),
    ("visited", "上门走访"),
    ("family_service", "配偶安置/子女入学服务"),
    ("job_matching", "岗位对接"),
    ("extension_offered", "提出延长补贴"),
    ("extension_accepted", "接受延长补贴"),
    ("declined", "拒绝"),
    ("confirmed_left", "核实已离开"),
    ("confirmed_staying", "核实留下"),
    ("note", "备注"),
]


class Officer(models.Model):
    """A user's county; an admin (county blank) sees every county."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    county = models.CharField(max_length=16, choices=COUNTY_CHOICES, blank=True)
    is_city_admin = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.county or 'all'})"


class Talent(models.Model):
    """A talent as last listed: the registry key and the county that owns the case."""

    talent_id = models.CharField(max_length=64, unique=True)
    county = models.CharField(max_length=16, choices=COUNTY_CHOICES, db_index=True)

    def __str__(self) -> str:
        return self.talent_id


class Week(models.Model):
    """One imported weekly list; its unique date makes a second import of the week fail whole."""

    as_of = models.DateField(unique=True)
    model_version = models.CharField(max_length=32, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.as_of.isoformat()


class ListRow(models.Model):
    """One talent on one week's risk list (the contract's section 4 columns an officer reads)."""

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="list_rows")
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="list_rows")
    county = models.CharField(max_length=16, db_index=True)
    employer_name = models.CharField(max_length=200, blank=True)
    p_leave_3m = models.FloatField()
    p_leave_6m = models.FloatField()
    p_leave_12m = models.FloatField()
    risk_tier = models.CharField(max_length=8)
    subsidy_end_date = models.DateField(null=True)
    months_to_subsidy_end = models.IntegerField(null=True)
    months_unpaid = models.IntegerField(default=0)
    reason_1 = models.TextField(blank=True)
    reason_2 = models.TextField(blank=True)
    reason_3 = models.TextField(blank=True)
    suggested_action = models.TextField(blank=True)
    county_rank = models.PositiveIntegerField(null=True)  # on the paying list, by 6-month risk

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "talent"], name="one_row_per_week")]
        indexes = [
            models.Index(fields=["week", "county", "county_rank"]),  # the paying list, in order
            # the list to verify, most months unpaid first, read backwards
            models.Index(fields=["week", "county", "months_unpaid", "p_leave_6m"]),
        ]


class WeekCounty(models.Model):
    """One week's list sizes in one county, counted once at import (the list page reads these
    instead of counting ~17,000 rows per request). Filtered views still count live."""

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="county_counts")
    county = models.CharField(max_length=16)
    paying = models.PositiveIntegerField()  # high and medium, paying (the ranked list)
    verify = models.PositiveIntegerField()  # high and medium, stopped paying
    top = models.PositiveIntegerField()  # of the paying list, the top 50 progress is out of

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "county"], name="one_count_per_week_county")
        ]


class Contact(models.Model):
    """The only table with personal data: shown after an audited click, never exported."""

    talent = models.OneToOneField(Talent, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    id_number = models.CharField(max_length=32, blank=True)


class Subsidy(models.Model):
    """A grant from the extract's subsidies table (no personal data), for the timeline."""

    grant_id = models.CharField(max_length=64, unique=True)
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="subsidies")
    subsidy_type = models.CharField(max_length=16)
    monthly_amount = models.FloatField(null=True)
    lump_sum = models.FloatField(null=True)
    start_date = models.DateField()
    end_date = models.DateField()


class PlanRow(models.Model):
    """A talent's row of the week's offer plan (plan.parquet), when one was published."""

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="plan_rows")
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="plan_rows")
    offer_kind = models.CharField(max_length=32)
    monthly_yuan = models.FloatField()
    cost_yuan = models.FloatField()
    p_leave_12m = models.FloatField()
    p_leave_12m_with_offer = models.FloatField()
    months_gained = models.FloatField()
    selected = models.BooleanField()
    rank = models.IntegerField(null=True)
    lottery = models.CharField(max_length=8, default="none")  # none / won / lost (the draw)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "talent"], name="one_plan_row_per_week")
        ]


class Action(models.Model):
    """What an officer did for a talent: a row of the interventions ledger."""

    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="actions")
    county = models.CharField(max_length=16, db_index=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    action = models.CharField(max_length=24, choices=ACTION_CHOICES)
    action_date = models.DateField()
    note = models.TextField(blank=True, max_length=2000)
    follow_up_date = models.DateField(null=True, blank=True)
    list_as_of = models.DateField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-action_date", "-id"]
        indexes = [models.Index(fields=["county", "list_as_of"])]  # the week's progress


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes refused too, so no code path rewrites the audit log."""

    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """Append-only: who saw or did what, when. Rows are never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    event = models.CharField(max_length=32)  # contact_revealed, action_recorded
    talent_id = models.CharField(max_length=64, blank=True)
    county = models.CharField(max_length=16, blank=True)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")
