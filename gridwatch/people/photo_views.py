from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridwatch.accounts.roles import REGISTRY_EDITORS, REGISTRY_READERS, Role
from gridwatch.core.errors import DomainError
from gridwatch.core.permissions import roles
from gridwatch.core.scoping import get_for_user_or_404

from . import photos, selectors
from .models import Cadre


@require_GET
@roles(*REGISTRY_READERS, Role.CADRE)
def cadre_photo(request, pk):
    """The photo, only to users who may see the cadre; never from a public media URL."""
    cadre = get_for_user_or_404(Cadre, request.user, pk=pk)
    if not cadre.photo:
        raise Http404
    response = FileResponse(cadre.photo.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_POST
@roles(*REGISTRY_EDITORS)
def cadre_photo_upload(request, pk):
    cadre = get_for_user_or_404(Cadre, request.user, pk=pk)
    if not selectors.editor_scope(request.user).covers_cadre(cadre):
        raise PermissionDenied
    try:
        if request.POST.get("remove"):
            photos.cadre_photo_remove(actor=request.user, cadre=cadre)
            messages.success(request, _("The photo was removed."))
        elif "photo" in request.FILES:
            photos.cadre_photo_set(actor=request.user, cadre=cadre, upload=request.FILES["photo"])
            messages.success(request, _("The photo was saved."))
        else:
            messages.error(request, _("Choose a photo to upload."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("people:cadre_detail", pk=cadre.pk)
