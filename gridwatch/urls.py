from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from gridwatch.core.permissions import public

from .admin_site import restrict_admin

restrict_admin(admin.site)

urlpatterns = [
    path("", include("gridwatch.core.urls")),
    path("accounts/", include("gridwatch.accounts.urls")),
    path("people/", include("gridwatch.people.urls")),
    path("areas/", include("gridwatch.geography.urls")),
    path("audit/", include("gridwatch.audit.urls")),
    path("cases/", include("gridwatch.cases.urls")),
    path("supervision/", include("gridwatch.supervision.urls")),
    path("monthly/", include("gridwatch.monthly.urls")),
    path("commitments/", include("gridwatch.commitments.urls")),
    path("warnings/", include("gridwatch.formal_warnings.urls")),
    path("evaluations/", include("gridwatch.evaluations.urls")),
    path("dashboard/", include("gridwatch.dashboard.urls")),
    path("api/", include("gridwatch.api.urls")),
    # The public portal: /portal/, /grids/, /townships/, /standards/, /publicity/, /report/.
    path("", include("gridwatch.portal.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "gridwatch.core.views.bad_request"
handler403 = "gridwatch.core.views.permission_denied"
handler404 = "gridwatch.core.views.page_not_found"
handler500 = "gridwatch.core.views.server_error"
