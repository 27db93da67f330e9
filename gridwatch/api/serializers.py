from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gridwatch.cases import selectors as case_selectors
from gridwatch.cases.models import Report
from gridwatch.formal_warnings.models import FollowUp, WarningNotice
from gridwatch.geography.models import Area
from gridwatch.people.models import Cadre, Unit


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Area
        fields = ["code", "name", "level", "kind", "parent", "description", "supervision_phone"]


class UnitSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "area"]


class CadreSerializer(serializers.ModelSerializer):
    """Registry data without the phone: reading a phone is an audited action of its own page."""

    unit = serializers.CharField(source="unit.name", read_only=True)
    supervising_grid = serializers.CharField(source="supervising_grid.code", read_only=True)
    residence_grid = serializers.CharField(source="residence_grid.code", read_only=True)

    class Meta:
        model = Cadre
        fields = [
            "id",
            "name",
            "gender",
            "birth_year",
            "unit",
            "position",
            "rank",
            "residence_grid",
            "supervising_grid",
            "status",
        ]


class CaseSerializer(serializers.ModelSerializer):
    """A report as its readers see it in the list: no reporter identity, no receipt, no messages and no
    allegation text. Choices are given as their codes, dates as YYYY-MM-DD."""

    reference = serializers.CharField(read_only=True)
    subject = serializers.CharField(source="subject_label", read_only=True)
    subject_unit = serializers.SerializerMethodField()
    grid = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handler = serializers.SerializerMethodField()
    next_due = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "reference",
            "received_on",
            "channel",
            "circle",
            "subject",
            "subject_cadre",
            "subject_unit",
            "grid",
            "status",
            "urgent",
            "handler",
            "disposal",
            "disposal_on",
            "finding",
            "finding_on",
            "accepted_on",
            "transfer_due",
            "verify_due",
            "acceptance_reply_due",
            "acceptance_replied_on",
            "result_reply_due",
            "result_replied_on",
            "closed_on",
            "next_due",
            "overdue",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_subject_unit(self, report):
        return report.subject_cadre.unit.name if report.subject_cadre_id else report.subject_unit_text

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_handler(self, report):
        return str(report.handler) if report.handler_id else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_due(self, report):
        return case_selectors.report_next_due(report)

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, report):
        day = case_selectors.report_next_due(report)
        return day is not None and day < timezone.localdate()


class CaseTextSerializer(CaseSerializer):
    """One report with the allegation's text, for those who decide on cases."""

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "what", "when", "where"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    """A follow-up a notice requires: its kind, deadline and state, without the record's text."""

    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = ["id", "kind", "due_on", "status", "done_on", "overdue"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, follow_up):
        return follow_up.status == "open" and follow_up.due_on < timezone.localdate()


class WarningNoticeSerializer(serializers.ModelSerializer):
    """A warning notice as its staff readers see it in the list: the ladder's facts and the follow-ups'
    state. No free text: not the problem written for the cadre, the appeal's statement, the reasons or
    the records of the follow-ups, and nothing of the report it was issued from (not even its id, which the
    unit's liaison must not have)."""

    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit = serializers.CharField(source="unit.name", read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = WarningNotice
        fields = [
            "id",
            "reference",
            "cadre",
            "cadre_name",
            "unit",
            "ordinal",
            "issued_on",
            "status",
            "acknowledged_at",
            "appealed_at",
            "decision",
            "decided_at",
            "follow_ups",
        ]
        read_only_fields = fields
