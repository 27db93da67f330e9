from django import forms
from django.utils.translation import gettext_lazy as _

from .excel import is_valid_phone
from .models import Area, TeamRole


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Area._meta.get_field("name").max_length)
    description = forms.CharField(
        label=_("Range of the area"),
        required=False,
        max_length=Area._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Streets, buildings or groups the area covers."),
    )
    supervision_phone = forms.CharField(
        label=_("Supervision phone"),
        required=False,
        max_length=Area._meta.get_field("supervision_phone").max_length,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_(
            "A mobile, a landline with its area code, or a hotline; separate several numbers with 、"
        ),
    )

    def clean_supervision_phone(self):
        value = self.cleaned_data["supervision_phone"].strip()
        if value and not is_valid_phone(value):
            raise forms.ValidationError(
                _("Enter a phone number: a mobile, a landline with its area code, or a hotline.")
            )
        return value


class TeamAddForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        help_text=_("The member must already have a GridWatch account."),
    )
    role = forms.ChoiceField(
        label=_("Post in the group"), choices=TeamRole.choices, initial=TeamRole.SUPERVISOR
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=200, help_text=_("e.g. the deputy's post in the grid")
    )


class TeamRemoveForm(forms.Form):
    username = forms.CharField(max_length=150)


class GridTableUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Grid division table (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": _("Choose the .xlsx file to import."), "empty": _("The file is empty.")},
    )
