from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from gridwatch.core.permissions import authenticated

from . import views

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("units", views.UnitViewSet, basename="unit")
router.register("cadres", views.CadreViewSet, basename="cadre")
router.register("cases", views.CaseViewSet, basename="case")
router.register("warnings", views.WarningNoticeViewSet, basename="warning")

app_name = "api"

# DRF views carry their own permission classes (HasRole); mark them for the URLconf policy walk.
for pattern in router.urls:
    pattern.callback.gridwatch_policy = "api"

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", authenticated(SpectacularAPIView.as_view()), name="schema"),
]
