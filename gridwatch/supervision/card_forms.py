"""Forms of the supervision cards and the checklist. The services check the rules again, with the same
messages; a photo is checked here, while the form is cleaned, before any transaction."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gridwatch.core.errors import ValidationFailed

from .cards import NOTE_MAX_LENGTH, SUMMARY_MAX_LENGTH, check_photo
from .checklist import NOTE_MAX_LENGTH as CHECKLIST_NOTE_MAX_LENGTH
from .checklist import TEXT_MAX_LENGTH
from .models import CHECKLIST_CIRCLES, CardRating

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"


class CardItemForm(forms.Form):
    """One line of the card: normal or concern, a note, an optional photo."""

    rating = forms.ChoiceField(
        label=_("Rating"), choices=CardRating.choices, required=False, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you saw or heard; needed for an item of concern. Kept encrypted."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
        help_text=_("Optional. Location and camera data are removed."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return check_photo(upload)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc


class CardSubmitForm(forms.Form):
    summary = forms.CharField(
        label=_("Overall remarks"),
        max_length=SUMMARY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Kept encrypted."),
    )


class CardReviewForm(forms.Form):
    DECISIONS = [("accept", _("Accept the card")), ("return", _("Return it for correction"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Remarks"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you return the card: say what needs correcting."),
    )


class ChecklistItemForm(forms.Form):
    circle = forms.ChoiceField(label=_("Circle"), choices=[("", "—"), *CHECKLIST_CIRCLES], required=False)
    text_zh = forms.CharField(
        label=_("Item (Chinese)"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    text_en = forms.CharField(
        label=_("Item (English)"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def has_content(self):
        data = getattr(self, "cleaned_data", {}) or {}
        return bool((data.get("text_zh") or "").strip() or (data.get("text_en") or "").strip())


class BaseChecklistFormSet(forms.BaseFormSet):
    def items(self):
        """The new list in the order given (rows without an order number after the numbered ones), without
        the rows marked for removal and the empty ones."""
        return [
            {key: form.cleaned_data.get(key, "") for key in ("circle", "text_zh", "text_en")}
            for form in self.ordered_forms
            if form.has_content()
        ]


ChecklistFormSet = forms.formset_factory(
    ChecklistItemForm, formset=BaseChecklistFormSet, extra=3, can_order=True, can_delete=True
)


class ChecklistNoteForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=CHECKLIST_NOTE_MAX_LENGTH,
        help_text=_("Kept with the new version, e.g. “second public-welfare item reworded”."),
        error_messages={"required": _("Say in a few words what changed.")},
    )
