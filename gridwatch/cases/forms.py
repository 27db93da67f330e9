import re

from django import forms
from django.utils.translation import gettext_lazy as _

from gridwatch.geography.models import Area
from gridwatch.people.models import Cadre

from .attachments import AttachmentsField
from .models import Channel, Circle
from .services import MESSAGE_MAX_LENGTH, REVEAL_REASON_MAX_LENGTH
from .triage import SEARCH_MAX_LENGTH

PHONE = re.compile(r"^[0-9][0-9\- ]{5,18}[0-9]$")
WHAT_MAX_LENGTH = 5000


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.unit.name} · {obj.position}"


class ReportForm(forms.Form):
    """The supervision mailbox (监督信箱): one form for the public page and, with a channel, for staff."""

    subject_cadre = CadreChoiceField(
        label=_("Cadre you are reporting"),
        queryset=Cadre.objects.none(),
        required=False,
        empty_label=_("Not in the list: type the name below"),
    )
    subject_name = forms.CharField(
        label=_("Name of the person reported"),
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
    # No circle is preselected: the reporter picks one (the first would otherwise be sent unread).
    # The resident is told what is missing in words of the form, not "This field is required."
    circle = forms.ChoiceField(
        label=_("Which part of life it concerns"),
        choices=[("", _("Choose…")), *Circle.choices],
        error_messages={"required": _("Choose which part of life it concerns.")},
    )
    what = forms.CharField(
        label=_("What happened"),
        max_length=WHAT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Facts you saw or heard: who, what, and anyone who can confirm it."),
        error_messages={"required": _("Write what happened.")},
    )
    when = forms.CharField(label=_("When"), max_length=100, required=False)
    where = forms.CharField(label=_("Where"), max_length=200, required=False)
    attachments = AttachmentsField()
    named = forms.TypedChoiceField(
        label=_("Do you want to give your name?"),
        choices=[("0", _("No, report anonymously")), ("1", _("Yes, give my name and phone"))],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
        help_text=_(
            "Anonymous reports are handled too. A named reporter is told the outcome; the name is kept "
            "encrypted and never shown to the person reported or their unit."
        ),
    )
    reporter_name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reporter_phone = forms.CharField(
        label=_("Your phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    # Honeypot: hidden from people; a bot that fills every field fills this one too.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def __init__(self, *args, cadres=None, grids=None, channels=None, offered=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is None:
            del self.fields["subject_cadre"]
        else:
            self.fields["subject_cadre"].queryset = cadres
            if offered is not None:
                self._searchable(offered)
        if channels is not None:
            self.fields = {
                "channel": forms.ChoiceField(label=_("Channel"), choices=channels),
                **self.fields,
            }
            del self.fields["website"]
        if grids is not None:
            self.fields["grid"] = forms.ModelChoiceField(
                label=_("Grid it concerns"),
                queryset=grids,
                required=False,
                to_field_name="code",
                empty_label=_("Not known"),
            )

    def _searchable(self, offered):
        """The staff intake: ``cadres`` may be the whole registry of a county, so it is only read to check
        the chosen id (``.get(pk=)``); the page offers, as radio options, only ``offered`` (the cadre
        already picked and the search results, ``triage.cadre_search``), found by the ``cadre_q`` box."""
        self.fields["cadre_q"] = forms.CharField(
            label=_("Find the cadre the report is about"),
            max_length=SEARCH_MAX_LENGTH,
            required=False,
            widget=forms.SearchInput(
                attrs={"autocomplete": "off", "placeholder": _("Name, pinyin, initials or unit")}
            ),
            help_text=_(
                "Find the cadre, then pick them. Someone not in the registry: type the name and unit below."
            ),
        )
        field = self.fields["subject_cadre"]
        field.widget = forms.RadioSelect()
        self.offer(offered)

    def offer(self, cadres):
        field = self.fields["subject_cadre"]
        choices = [(str(c.pk), field.label_from_instance(c)) for c in cadres]
        field.widget.choices = [("", field.empty_label), *choices] if choices else []

    @property
    def is_spam(self):
        return bool(self.data.get("website"))

    def clean(self):
        data = super().clean()
        if not data.get("subject_cadre") and not (data.get("subject_name") or "").strip():
            if "subject_name" not in self.errors:
                self.add_error("subject_name", _("Pick the cadre from the list or type their name."))
        if data.get("named"):
            if not (data.get("reporter_name") or "").strip() and "reporter_name" not in self.errors:
                self.add_error("reporter_name", _("Give your name, or choose to report anonymously."))
            phone = (data.get("reporter_phone") or "").strip()
            if "reporter_phone" not in self.errors:
                if not phone:
                    self.add_error(
                        "reporter_phone", _("Give a phone number, or choose to report anonymously.")
                    )
                elif not PHONE.match(phone):
                    self.add_error("reporter_phone", _("The phone number is not valid."))
        return data


STAFF_CHANNELS = [
    (c.value, c.label) for c in (Channel.HOTLINE, Channel.IN_PERSON, Channel.LETTER, Channel.SUPERVISOR)
]


def grid_queryset(user):
    from gridwatch.geography.models import Level

    return Area.objects.for_user(user).filter(level=Level.GRID).order_by("path")


class FollowUpForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_(
            "The code you were given when you filed the report: groups of four characters, e.g. ABCD-EFGH-…"
        ),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReporterMessageForm(MessageForm):
    """The reporter's answer with the receipt code: more information, files, or both."""

    attachments = AttachmentsField(label=_("Add photos or documents"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = False

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments") and not self.errors:
            self.add_error("body", _("Write a message or add a file."))
        return data


class RevealForm(forms.Form):
    # The service checks the length (at least four characters) with the same message.
    reason = forms.CharField(
        label=_("Reason for revealing the identity"),
        max_length=REVEAL_REASON_MAX_LENGTH,
        error_messages={"required": _("Give the reason for revealing the identity (at least 4 characters).")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit log and shown to county commission staff on this case."),
    )
