from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridwatch.cases.models import Circle

from .services import HEARD_MAX_LENGTH, PEOPLE_MET_MAX_LENGTH, PLACE_MAX_LENGTH

DATE_FORMAT = "%Y-%m-%d"


class CadreChoiceField(forms.ModelChoiceField):
    show_grid = False

    def label_from_instance(self, obj):
        label = f"{obj.name} · {obj.unit.name} · {obj.position}"
        return f"{label} · {obj.supervising_grid.name}" if self.show_grid else label


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.place()


class DiaryEntryForm(forms.Form):
    """One visit: where, whom the team talked to, what they heard, and whom it concerns. The service
    checks the rules (no future date, something heard, a cadre of the grid) with the same messages."""

    visited_on = forms.DateField(
        label=_("Date of the visit"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": _("Give the date of the visit."),
            "invalid": _("Give the date as year-month-day, e.g. 2026-05-20."),
        },
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=PLACE_MAX_LENGTH,
        required=False,
        help_text=_("e.g. the square of building 3, the vegetable market, the village committee"),
    )
    people_met = forms.CharField(
        label=_("Whom we talked to"),
        max_length=PEOPLE_MET_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept encrypted. Describe them (e.g. two retired residents) if they asked not to be named."
        ),
    )
    heard = forms.CharField(
        label=_("What we heard"),
        max_length=HEARD_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write what you heard.")},
        help_text=_(
            "Residents' opinions, cadres' conduct outside working hours, prominent problems. Kept encrypted."
        ),
    )
    circle = forms.ChoiceField(
        label=_("Which part of life it concerns"),
        choices=[("", _("None in particular"))] + list(Circle.choices),
        required=False,
    )
    cadre = CadreChoiceField(
        label=_("About a cadre"),
        queryset=None,
        required=False,
        empty_label=_("Not about a particular cadre"),
        help_text=_(
            "Only the cadres supervised in the grid are listed, without those you are conflicted with."
        ),
    )

    def __init__(self, *args, cadres, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].widget.attrs["max"] = timezone.localdate().strftime(DATE_FORMAT)
        self.fields["cadre"].queryset = cadres
        if grids is not None and len(grids) > 1:
            # Only a member of several grid teams chooses; the others write for their one grid.
            self.fields = {
                "grid": GridChoiceField(
                    label=_("Grid"),
                    queryset=grids,
                    to_field_name="code",
                    empty_label=None,
                ),
                **self.fields,
            }
            self.fields["cadre"].show_grid = True


class ToCaseForm(forms.Form):
    """What a case needs beyond the entry: the person it is about, when the entry names no cadre."""

    subject_name = forms.CharField(
        label=_("Name of the person it is about"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    subject_unit_text = forms.CharField(
        label=_("Their unit or post"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, needs_subject, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_subject:
            del self.fields["subject_name"]
            del self.fields["subject_unit_text"]
