"""Forms of the warning pages. They parse what was typed; the services hold the rules and give the same
messages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import PROBLEM_MAX_LENGTH, TEXT_MAX_LENGTH, AppealDecision

DATE_FORMAT = "%Y-%m-%d"


def _text(label, *, required_message, max_length=TEXT_MAX_LENGTH, rows=5, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"required": required_message},
    )


class IssueForm(forms.Form):
    problem = _text(
        _("Prominent problem"),
        required_message=_("Write the prominent problem for the cadre."),
        max_length=PROBLEM_MAX_LENGTH,
        rows=6,
        help_text=_(
            "The cadre and their unit read this. Write the verified problem in neutral words: nothing of the "
            "report's wording, its channel, grid or dates, or the reporter."
        ),
    )


class DeclineForm(forms.Form):
    reason = _text(_("Reason"), required_message=_("Say why no warning notice is issued."), rows=4)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(
        label=_("Done on"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": _("Give the date it was done."),
            "invalid": _("Give the date as year-month-day, e.g. 2026-06-28."),
        },
    )
    record = _text(
        _("What was done"),
        required_message=_("Write down what was done."),
        rows=4,
        help_text=_("Who gave or wrote what, when, and the outcome."),
    )

    def __init__(self, *args, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["done_on"].widget.attrs["max"] = timezone.localdate().strftime(DATE_FORMAT)


class AppealForm(forms.Form):
    statement = _text(
        _("Your statement"),
        required_message=_("Say why you appeal against the notice."),
        rows=6,
        help_text=_("You may appeal once. The county commission decides and tells you why."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("appeal against a warning notice", "Decision"),
        choices=AppealDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the decision."), "invalid_choice": _("Choose the decision.")},
    )
    reason = _text(_("Reason"), required_message=_("Give the reason for the decision."), rows=4)
