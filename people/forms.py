"""HR's forms on an officer's file: a training record, a posting. Errors say
what is wrong in plain words; the services check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from personnel.models import Posting
from training.models import TrainingRecord


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


PLAIN_ERRORS = {
    "required": _("Fill this in."),
    "invalid": _("Enter a date as YYYY-MM-DD, for example 2024-03-01."),
}


class TrainingRecordForm(forms.Form):
    # A prefix keeps the two forms' ids apart on one page.
    prefix = "training"

    course = forms.CharField(label=_("course"), max_length=200, error_messages={"required": PLAIN_ERRORS["required"]})
    start_date = forms.DateField(label=_("start date"), widget=DateInput(), error_messages=PLAIN_ERRORS)
    end_date = forms.DateField(label=_("end date"), widget=DateInput(), error_messages=PLAIN_ERRORS)
    days = forms.DecimalField(
        label=_("days"),
        max_digits=6,
        decimal_places=1,
        min_value=0.5,
        error_messages={
            "required": PLAIN_ERRORS["required"],
            "invalid": _("Enter the number of days, for example 3 or 2.5."),
            "min_value": _("Days must be at least 0.5."),
            "max_decimal_places": _("Give the days to one decimal place, for example 2.5."),
            "max_digits": _("That is more days than a record can hold."),
        },
    )
    mode = forms.ChoiceField(
        label=_("mode"), choices=TrainingRecord.Mode.choices, error_messages={"required": PLAIN_ERRORS["required"]}
    )


class PostingForm(forms.Form):
    prefix = "posting"

    unit = forms.ModelChoiceField(
        label=_("unit"),
        queryset=None,
        to_field_name="code",
        error_messages={
            "required": PLAIN_ERRORS["required"],
            "invalid_choice": _("Choose a unit within your grants."),
        },
    )
    position = forms.CharField(
        label=_("position"), max_length=100, error_messages={"required": PLAIN_ERRORS["required"]}
    )
    start_date = forms.DateField(label=_("start date"), widget=DateInput(), error_messages=PLAIN_ERRORS)
    end_date = forms.DateField(
        label=_("end date"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty while the officer holds the post."),
        error_messages=PLAIN_ERRORS,
    )
    leadership = forms.BooleanField(label=_("leadership post"), required=False)
    grassroots = forms.BooleanField(label=_("grassroots"), required=False)
    post_risk = forms.ChoiceField(
        label=_("post integrity-risk level"), choices=Posting.PostRisk.choices, initial=Posting.PostRisk.LOW
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.code} {unit.name}"
