"""REST API over the same selectors and scoping as the pages (read-only for now)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.accounts.roles import REGISTRY_READERS
from gridwatch.audit.services import audit_log
from gridwatch.cases import selectors as case_selectors
from gridwatch.cases.export_views import case_filters
from gridwatch.cases.models import Report
from gridwatch.cases.roles import CASE_DECIDERS, CASE_READERS
from gridwatch.cases.selectors import REPORT_VIEW
from gridwatch.formal_warnings import selectors as warning_selectors
from gridwatch.formal_warnings.models import NoticeStatus, WarningNotice
from gridwatch.formal_warnings.roles import READERS as WARNING_READERS
from gridwatch.geography.models import Area
from gridwatch.people import selectors
from gridwatch.people.models import Unit

from .permissions import HasRole
from .serializers import (
    AreaSerializer,
    CadreSerializer,
    CaseSerializer,
    CaseTextSerializer,
    UnitSerializer,
    WarningNoticeSerializer,
)


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


CASE_FILTERS = [
    OpenApiParameter("status", str, description='One status, or "open" (received, handling, concluded).'),
    OpenApiParameter("circle", str),
    OpenApiParameter("channel", str),
    OpenApiParameter("urgent", bool, description="Urgent reports only."),
    OpenApiParameter("mine", bool, description="Reports whose handler is the signed-in user."),
    OpenApiParameter("overdue", bool, description="Open reports with a time limit passed."),
    OpenApiParameter("q", str, description="A reference (its first hex digits) or a subject's name."),
]


@extend_schema_view(list=extend_schema(parameters=CASE_FILTERS))
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports through the case list's selector (jurisdiction and recusal) and filters (``status``,
    ``circle``, ``channel``, ``urgent``, ``mine``, ``overdue``, ``q``). Out of jurisdiction, or about a cadre
    the user is recused from, a report answers 404. The allegation's text is in the detail, for those who
    decide on cases only."""

    permission_classes = [HasRole]
    allowed_roles = CASE_READERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's look at the model
            return Report.objects.none()
        user = self.request.user
        filters = case_filters(self.request.query_params) if self.action == "list" else {}
        queryset = case_selectors.report_list(user=user, **filters)
        if self.action == "retrieve" and has_role(user, *CASE_DECIDERS):
            return queryset
        return queryset.defer("what", "when", "where", "disposal_reason", "finding_summary", "status_reason")

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        # Reading a report is a read of sensitive data (SECURITY.md item 8), as on the case page.
        audit_log(actor=request.user, action=REPORT_VIEW, obj=report, changes={"via": "api"})
        return Response(self.get_serializer(report).data)

    def get_serializer_class(self):
        if self.action == "retrieve" and has_role(self.request.user, *CASE_DECIDERS):
            return CaseTextSerializer
        return CaseSerializer


WARNING_FILTERS = [
    OpenApiParameter("status", str, description="in_force, appealed or withdrawn."),
    OpenApiParameter("overdue", bool, description="Notices with a follow-up past its deadline."),
]


@extend_schema_view(list=extend_schema(parameters=WARNING_FILTERS))
class WarningNoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Warning notices (预警书) through the list's selector: the user's jurisdiction (the cadre's area, or
    the unit at issue for a unit liaison) less the cadres they are conflicted with, which answer 404. The
    cadres read their own notices on their own pages, not here."""

    permission_classes = [HasRole]
    allowed_roles = WARNING_READERS
    serializer_class = WarningNoticeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's look at the model
            return WarningNotice.objects.none()
        params = self.request.query_params if self.action == "list" else {}
        status = params.get("status", "")
        return warning_selectors.notice_list(
            user=self.request.user,
            status=status if status in NoticeStatus.values else "",
            overdue=params.get("overdue") in ("1", "true", "on"),
        ).prefetch_related("follow_ups")
