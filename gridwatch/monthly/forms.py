from django import forms
from django.utils.translation import gettext_lazy as _

from gridwatch.cases.models import Circle

from .services import DETAILS_MAX_LENGTH, REASON_MAX_LENGTH, REMARKS_MAX_LENGTH, TITLE_MAX_LENGTH


class RemarksForm(forms.Form):
    remarks = forms.CharField(
        label=_("Remarks of the township commission"),
        max_length=REMARKS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the figures do not say: the month's main problems, what was done, what needs the county."
        ),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What is to be corrected"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what is to be corrected.")},
    )


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.level == "grid" and obj.parent_id:
            return obj.place()
        return obj.name


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.unit.name} · {obj.position}"


class UrgentMatterForm(forms.Form):
    area = AreaChoiceField(label=_("Township or grid"), queryset=None, to_field_name="code", empty_label=None)
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give the matter a short title.")},
        help_text=_(
            "A few words the county sees in its inbox, e.g. a cadre's drunken fight at a wedding banquet."
        ),
    )
    circle = forms.ChoiceField(label=_("Circle"), choices=Circle.choices)
    cadre = CadreChoiceField(
        label=_("Cadre concerned"),
        queryset=None,
        required=False,
        empty_label=_("No particular cadre"),
        help_text=_(
            "Only the cadres supervised in your areas are listed, without those you are conflicted with."
        ),
    )
    details = forms.CharField(
        label=_("What happened"),
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write what happened.")},
        help_text=_("Kept encrypted. Who, what, when and where; what has been done so far."),
    )

    def __init__(self, *args, areas, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["cadre"].queryset = cadres
