"""Forms of the standards editor. They parse what was typed; the services hold the rules and give the same
messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gridwatch.geography.models import Area, Level

from ..models import StandardKind
from .services import BODY_MAX_LENGTH, NOTE_MAX_LENGTH, POSITION_MAX, REASON_MAX_LENGTH, TITLE_MAX_LENGTH


class AreaChoiceField(forms.ModelChoiceField):
    """Areas by code, labelled from the township down (the queryset loads ``parent__parent``)."""

    def label_from_instance(self, obj):
        if obj.level == Level.COUNTY:
            return _("%(county)s (county-wide)") % {"county": obj.name}
        names = [obj.name]
        node = obj.parent
        while node is not None and node.level != Level.COUNTY:
            names.insert(0, node.name)
            node = node.parent
        return " · ".join(names)


class StandardForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give the document a title.")},
        help_text=_("As it is printed, e.g. 领导干部八小时以外行为规范."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=StandardKind.choices)
    area = AreaChoiceField(
        label=_("Applies in"),
        queryset=Area.objects.none(),
        to_field_name="code",
        empty_label=None,
        help_text=_("The county for a county-wide document; a township, community or grid for its own."),
    )
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=POSITION_MAX,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Lower numbers are listed first."),
        error_messages={
            "invalid": _("Give the order as a number from 0 to %(max)s.") % {"max": POSITION_MAX}
        },
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        error_messages={"required": _("Write the text.")},
        help_text=_(
            "Markdown: “## ” starts a heading, “- ” or “1. ” a list item, **bold**; an empty line "
            "between paragraphs. Press “Preview” to see it as the public will."
        ),
    )
    change_note = forms.CharField(
        label=_("What changed"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the public in the document's version history, e.g. 增加第五条“公益圈”要求."),
    )

    def __init__(self, *args, areas, later_version=False, **kwargs):
        """``later_version``: the form of version 2 or later, which says what changed (required)."""
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        if later_version:
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = _(
                "Say what changed from the version in force."
            )
        else:
            del self.fields["change_note"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the document is withdrawn.")},
        help_text=_("Kept in the audit log; the public sees only that the document is no longer listed."),
    )
