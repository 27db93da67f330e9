from django import forms
from django.utils.translation import gettext_lazy as _

from gridwatch.geography.models import Area, Level

from .excel import grid_label, is_valid_phone, plausible_birth_years
from .models import Cadre, CadreStatus, CollectionRound, Gender, Rank, RelationKind, Unit, UnitKind


class GridChoiceField(forms.ModelChoiceField):
    """Grids by code, labelled township · community · grid (the queryset loads ``parent__parent``)."""

    def label_from_instance(self, obj):
        return f"{grid_label(obj)} ({obj.code})"


class CadreForm(forms.Form):
    """Registry data of a cadre. Units and grids offered are those the editor may choose
    (``selectors.editor_units`` / ``editor_grids``), plus the cadre's current grids when editing."""

    name = forms.CharField(label=_("Name"), max_length=Cadre._meta.get_field("name").max_length)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    position = forms.CharField(label=_("Position"), max_length=Cadre._meta.get_field("position").max_length)
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices)
    residence_grid = GridChoiceField(
        label=_("Residence grid"), queryset=Area.objects.none(), to_field_name="code"
    )
    supervising_grid = GridChoiceField(
        label=_("Supervising grid"),
        queryset=Area.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("As the rules say (residence grid; township cadres: their township's grid)"),
        help_text=_("Outside working hours a cadre is supervised by this grid (dual management)."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_(
            "A mobile, or a landline with its area code. Kept encrypted; each view of it is audited."
        ),
    )

    def __init__(self, *args, units, grids, cadre=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if cadre is not None:
            # The cadre's current grids stay selectable even when outside the editor's grids (a township
            # cadre living in another township keeps that residence).
            grids = grids | Area.objects.filter(pk__in=[cadre.residence_grid_id, cadre.supervising_grid_id])
            grids = grids.select_related("parent__parent").order_by("path")
        self.fields["residence_grid"].queryset = grids
        self.fields["supervising_grid"].queryset = grids
        if units.count() == 1:
            self.fields["unit"].empty_label = None

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        low, high = plausible_birth_years()
        if not low <= year <= high:
            raise forms.ValidationError(
                _("Enter a year of birth between %(low)d and %(high)d.") % {"low": low, "high": high}
            )
        return year

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not is_valid_phone(value):
            raise forms.ValidationError(
                _("Enter a phone number: a mobile (11 digits) or a landline with its area code.")
            )
        return value


class CadreStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CadreStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        help_text=_("Why, and since when: e.g. transferred to 县教育局 in March."),
    )


class RelationForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        help_text=_("The GridWatch account of the person who has the relation."),
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Unit._meta.get_field("name").max_length)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        help_text=_("The county for county departments, the township for township units."),
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("path")


class UnitHeadForm(forms.Form):
    head = forms.ModelChoiceField(
        label=_("Number one (一把手)"),
        queryset=Cadre.objects.none(),
        required=False,
        empty_label=_("Not set"),
    )

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = cadres


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=CollectionRound._meta.get_field("title").max_length)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class CadreTableUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Cadre information form (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": _("Choose the .xlsx file to import."), "empty": _("The file is empty.")},
    )
