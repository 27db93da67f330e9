from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TEXT_MAX_LENGTH
from .periods import parse_period, period_choices

DATE_FORMAT = "%Y-%m-%d"


def _text_field(label, *, required_message, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={
            "required": required_message,
            "max_length": _("Keep it to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MeetingForm(forms.Form):
    """A meeting's record: where and when, the period discussed, who came, what was found and decided."""

    area = AreaChoiceField(
        label=_("Scope"),
        queryset=None,
        empty_label=None,
        to_field_name="code",
        help_text=_("The whole county, or one township."),
        error_messages={"required": _("Choose the scope."), "invalid_choice": _("Choose the scope.")},
    )
    held_on = forms.DateField(
        label=_("Held on"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": _("Give the day the meeting was held."),
            "invalid": _("Give the date as year-month-day, e.g. 2026-05-20."),
        },
    )
    period = forms.ChoiceField(
        label=_("Period discussed"),
        error_messages={
            "required": _("Choose the period discussed."),
            "invalid_choice": _("Choose the period discussed."),
        },
        help_text=_("The pack's figures for this period are kept with the record as they are now."),
    )
    attendees = _text_field(_("Attended by"), required_message=_("Say who attended."), rows=3)
    problems = _text_field(_("Problems found"), required_message=_("Write down the problems found."), rows=6)
    decisions = _text_field(
        _("Decisions and tasks"),
        required_message=_("Write down the decisions and tasks."),
        rows=6,
        help_text=_("Who does what, by when."),
    )

    def __init__(self, *args, areas, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["area"].queryset = areas
        self.fields["period"].choices = [(str(group), items) for group, items in period_choices(today)]
        self.fields["held_on"].widget.attrs["max"] = today.strftime(DATE_FORMAT)

    def clean_period(self):
        return parse_period(self.cleaned_data["period"])


class CorrectionForm(forms.Form):
    text = _text_field(
        _("Correction"),
        required_message=_("Write the correction."),
        help_text=_(
            "The record stays as it was; this note is shown beneath it, with your name and the date."
        ),
    )
