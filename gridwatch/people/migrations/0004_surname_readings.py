"""Recompute the pinyin of cadres whose surname reads otherwise than its character (曾 zeng, 单 shan…): the
search and the order of lists use it (``core.text.SURNAME_READINGS``). Only those rows are read and written.
The columns are derived from the name, so the code of today computes them: a later change of the readings
comes with its own migration."""

from functools import reduce
from operator import or_

from django.db import migrations
from django.db.models import Q

from gridwatch.core.text import SURNAME_READINGS, pinyin_full, pinyin_initials


def respell(apps, schema_editor):
    Cadre = apps.get_model("people", "Cadre")
    affected = reduce(or_, (Q(name__startswith=surname) for surname in SURNAME_READINGS))
    batch = []
    for cadre in Cadre.objects.filter(affected).only("id", "name").iterator(chunk_size=1000):
        cadre.name_pinyin, cadre.name_initials = pinyin_full(cadre.name), pinyin_initials(cadre.name)
        batch.append(cadre)
        if len(batch) == 1000:
            Cadre.objects.bulk_update(batch, ["name_pinyin", "name_initials"])
            batch = []
    Cadre.objects.bulk_update(batch, ["name_pinyin", "name_initials"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_code_point_collation")]

    operations = [migrations.RunPython(respell, migrations.RunPython.noop, elidable=True)]
