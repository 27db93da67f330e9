"""REST API over the same selectors and scoping as the pages (read-only for now)."""

from rest_framework import viewsets

from gridwatch.accounts.roles import REGISTRY_READERS
from gridwatch.geography.models import Area
from gridwatch.people import selectors
from gridwatch.people.models import Unit

from .permissions import HasRole
from .serializers import AreaSerializer, CadreSerializer, UnitSerializer


class ScopedReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = [HasRole]
    allowed_roles = REGISTRY_READERS


class AreaViewSet(ScopedReadOnly):
    serializer_class = AreaSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Area.objects.for_user(self.request.user).select_related("parent").order_by("path")


class UnitViewSet(ScopedReadOnly):
    serializer_class = UnitSerializer

    def get_queryset(self):
        return Unit.objects.for_user(self.request.user).select_related("area").order_by("name")


class CadreViewSet(ScopedReadOnly):
    serializer_class = CadreSerializer

    def get_queryset(self):
        q = self.request.query_params.get("q", "")[:50]
        return selectors.cadre_list(user=self.request.user, q=q).select_related("residence_grid")
