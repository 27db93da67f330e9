"""A test-only URLconf: the real one plus views that fail, for the error-page header tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from gridwatch.core.permissions import public
from gridwatch.urls import handler400, handler403, handler404, handler500  # noqa: F401
from gridwatch.urls import urlpatterns as real_urlpatterns


@public
def boom(request):
    raise RuntimeError("a bug")


@public
def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-only/boom/", boom),
    path("test-only/forbidden/", forbidden),
    *real_urlpatterns,
]
