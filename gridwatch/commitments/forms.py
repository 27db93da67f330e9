"""Forms of the commitment pages. They parse what was typed; the services hold the rules and give the same
messages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CONTENT_MAX_LENGTH, TARGET_MAX_LENGTH, EvaluatorGroup
from .services import MAX_ITEMS, MAX_RATERS, TEXT_MAX_LENGTH

DATE_FORMAT = "%Y-%m-%d"
EMPTY_ROWS = 2
COUNT_FIELDS = (
    ("satisfied", _("Satisfied")),
    ("basically_satisfied", _("Basically satisfied")),
    ("dissatisfied", _("Dissatisfied")),
)


def _date_field(label):
    return forms.DateField(
        label=label,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(
            attrs={"type": "date", "max": timezone.localdate().strftime(DATE_FORMAT)}, format=DATE_FORMAT
        ),
        error_messages={
            "required": _("Give the date of the meeting."),
            "invalid": _("Give the date as year-month-day, e.g. 2026-06-28."),
        },
    )


class ItemForm(forms.Form):
    content = forms.CharField(
        label=_("I commit to"),
        max_length=CONTENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target = forms.CharField(
        label=_("Concrete target"),
        max_length=TARGET_MAX_LENGTH,
        required=False,
        help_text=_("How much, how often, by when, e.g. at least twice a quarter."),
    )
    DELETE = forms.BooleanField(label=_("Remove"), required=False)


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=MAX_ITEMS, absolute_max=MAX_ITEMS + EMPTY_ROWS)


def item_formset(data=None, *, items=(), add_row=False):
    """The rows of the commitment form: the items there are and ``EMPTY_ROWS`` empty ones to fill in (an
    "add a row" button re-renders with one more, without a script)."""
    if data is not None:
        data = data.copy()
        if add_row:
            total = int(data.get("items-TOTAL_FORMS") or 0)
            data["items-TOTAL_FORMS"] = str(min(total + 1, MAX_ITEMS))
        return ItemFormSet(data, prefix="items")
    initial = [{"content": i.content, "target": i.target} for i in items]
    initial += [{}] * max(EMPTY_ROWS, 1 if not initial else 0)
    formset = ItemFormSet(initial=initial[:MAX_ITEMS], prefix="items")
    formset.extra = 0
    return formset


def formset_items(formset):
    """The rows to keep, as dicts for the service (removed and empty rows dropped there or here)."""
    return [
        {"content": f.cleaned_data.get("content", ""), "target": f.cleaned_data.get("target", "")}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the commitment goes back to the cadre.")},
        help_text=_("What to make concrete or add; the cadre reads it."),
    )


class FulfilmentForm(forms.Form):
    """The half-year fulfilment meeting: date, attendees, and for each item its progress and evidence."""

    held_on = _date_field(_("Date of the meeting"))
    attendees = forms.CharField(
        label=_("Who attended"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say who attended the meeting.")},
        help_text=_(
            "e.g. the community party secretary, two grid supervisors, five resident representatives"
        ),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.rows = []
        for item in self.items:
            percent = forms.IntegerField(
                label=_("Progress (%)"),
                min_value=0,
                max_value=100,
                initial=item.progress,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
                error_messages={
                    "required": _("Give the progress of every commitment, from 0 to 100 per cent.")
                },
            )
            evidence = forms.CharField(
                label=_("Evidence"),
                max_length=TEXT_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("What was done: dates, numbers, records that show it."),
            )
            self.fields[f"progress_{item.position}"] = percent
            self.fields[f"evidence_{item.position}"] = evidence
        for item in self.items:
            self.rows.append((item, self[f"progress_{item.position}"], self[f"evidence_{item.position}"]))

    def progress(self):
        return {
            item.pk: (
                self.cleaned_data.get(f"progress_{item.position}"),
                self.cleaned_data.get(f"evidence_{item.position}"),
            )
            for item in self.items
        }


class RatingForm(forms.Form):
    """The year-end rating as entered after the rating meeting: per item and evaluator group, the number of
    raters for each option, and a note of the cadre's contribution."""

    rated_on = _date_field(_("Date of the rating meeting"))
    contribution = forms.CharField(
        label=_("What the cadre contributed"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write down what the cadre contributed.")},
        help_text=_("For the community party organisation, the residents, the units and firms served."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.rows = []
        for item in self.items:
            groups = []
            for group, group_label in EvaluatorGroup.choices:
                cells = []
                for name, label in COUNT_FIELDS:
                    key = f"c_{item.position}_{group}_{name}"
                    self.fields[key] = forms.IntegerField(
                        label=label,
                        min_value=0,
                        max_value=MAX_RATERS,
                        required=False,
                        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                    )
                    cells.append(self[key])
                groups.append((group_label, cells))
            self.rows.append((item, groups))

    def counts(self):
        out = {}
        for item in self.items:
            for group in EvaluatorGroup.values:
                values = [
                    self.cleaned_data.get(f"c_{item.position}_{group}_{n}") or 0 for n, _l in COUNT_FIELDS
                ]
                if any(values):
                    out[(item.pk, group)] = values
        return out
