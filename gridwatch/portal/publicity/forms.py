"""Forms of the publicity editor. They parse what was typed; the services hold the rules and give the same
messages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import Category
from .services import BODY_MAX_LENGTH, REASON_MAX_LENGTH

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class ArticleForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Column"),
        queryset=Category.objects.order_by("position", "name"),
        empty_label=None,
        error_messages={
            "required": _("Choose the column of the article."),
            "invalid_choice": _("Choose the column of the article."),
        },
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give the article a title.")}
    )
    summary = forms.CharField(
        label=pgettext_lazy("article", "Summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One or two sentences for the list of articles; left empty, the start of the text is shown."
        ),
    )
    body = forms.CharField(
        label=pgettext_lazy("article", "Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("Write the text of the article.")},
        help_text=_(
            "Markdown: a blank line between paragraphs; ## for a heading, - for a list item, **bold**, "
            "[text](https://…) for a link. Scripts, styles and pictures from other sites are removed; add "
            "pictures below as images."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("e.g. 县纪委监委"),
    )
    pinned = forms.BooleanField(
        label=_("Pin to the top of the list"),
        required=False,
        help_text=_("For a notice that must stay first, e.g. the supervision mailbox and phone."),
    )

    def values(self):
        data = self.cleaned_data
        return {key: data[key] for key in ("category", "title", "summary", "body", "source", "pinned")}


class ImageForm(forms.Form):
    # A plain file field: the service checks the content (not the name or the browser's type) and answers
    # with its own messages.
    image = forms.FileField(
        label=pgettext_lazy("article", "Image"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        error_messages={"required": _("Choose an image to upload."), "empty": _("The file is empty.")},
        help_text=_("JPEG, PNG or WebP, at most 5 MB. Location and camera data are removed."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class ImageEditForm(forms.Form):
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing (optional)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("Kept in the audit log, e.g. a correction is under way."),
    )


class ColumnForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=50, error_messages={"required": _("Give the column a name.")}
    )
    slug = forms.CharField(
        label=_("Short name in addresses"),
        max_length=50,
        required=False,
        help_text=_(
            "Latin letters, digits and hyphens, e.g. warning-education; shown in the column's address."
        ),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
