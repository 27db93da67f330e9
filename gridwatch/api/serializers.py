from rest_framework import serializers

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
