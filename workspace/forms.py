"""The action form: the contract's kinds, a date, free text, an optional follow-up date."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms

from workspace.models import ACTION_CHOICES


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTION_CHOICES)
    action_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_action_date(self):
        day = self.cleaned_data["action_date"]
        if day > date.today() + timedelta(days=1):  # a day's slack for time zones
            raise forms.ValidationError("日期不能在未来 / the date cannot be in the future")
        return day

    def clean(self):
        data = super().clean()
        day, follow = data.get("action_date"), data.get("follow_up_date")
        if day and follow and follow < day:
            self.add_error(
                "follow_up_date", "回访日期早于工作日期 / follow-up is before the action"
            )
        return data
