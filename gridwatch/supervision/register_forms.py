"""Forms of the supervision register (R10) and the inspections of grids (R22). The services check the rules
(headings, dates, who may name whom) with the same messages; the forms keep a phone's typing cheap."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import DATE_FORMAT, CadreChoiceField, GridChoiceField
from .inspections import TEXT_MAX_LENGTH
from .models import InspectionKind
from .register import CONTENT_MAX_LENGTH


def _date_field(label, *, required=True, required_message=None):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": required_message or _("Give a date."),
            "invalid": _("Give the date as year-month-day, e.g. 2026-05-20."),
        },
    )


class RegisterEntryForm(forms.Form):
    """One entry of the register: whom, under which heading, when, and what was observed."""

    cadre = CadreChoiceField(
        label=_("Cadre"),
        queryset=None,
        empty_label=_("Choose the cadre"),
        error_messages={"required": _("Choose the cadre.")},
        help_text=_("The cadres supervised in your grids, without those you are conflicted with."),
    )
    aspect = forms.ChoiceField(label=_("Heading"), choices=())
    recorded_on = _date_field(_("Date"), required_message=_("Give the date of what you record."))
    content = forms.CharField(
        label=_("What was observed"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write what you observed.")},
        help_text=_("Facts you or residents observed, with dates and places. Kept encrypted."),
    )

    def __init__(self, *args, cadres, aspects, show_cadre=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].widget.attrs["max"] = timezone.localdate().strftime(DATE_FORMAT)
        self.fields["aspect"].choices = aspects
        self.fields["cadre"].queryset = cadres
        self.fields["cadre"].show_grid = True
        if not show_cadre:
            del self.fields["cadre"]


class InspectionGridForm(forms.Form):
    """The first step of recording an inspection: the grid (its cadres are then offered)."""

    grid = GridChoiceField(
        label=_("Grid inspected"), queryset=None, to_field_name="code", empty_label=_("Choose the grid")
    )

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices, widget=forms.RadioSelect)
    inspected_on = _date_field(
        _("Date of the inspection"), required_message=_("Give the date of the inspection.")
    )
    findings = forms.CharField(
        label=_("Findings"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what the inspection found.")},
        help_text=_("How the grid team works: visits, cards, diary, the notice board, the mailbox."),
    )
    corrections = forms.CharField(
        label=_("What must be corrected"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty when nothing needs correcting: the inspection is then closed at once."),
    )
    correct_by = _date_field(_("Correct by"), required=False)
    cadres = forms.ModelMultipleChoiceField(
        label=_("Cadres concerned"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each cadre named gets a line in their file: the kind and date of the inspection."),
    )

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].widget.attrs["max"] = timezone.localdate().strftime(DATE_FORMAT)
        self.fields["cadres"].queryset = cadres
        self.fields["cadres"].label_from_instance = lambda c: f"{c.name} · {c.unit.name} · {c.position}"


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(
        label=_("Follow-up"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write how the corrections were checked.")},
        help_text=_(
            "How the corrections were checked, and what was found. Recording it closes the inspection."
        ),
    )
