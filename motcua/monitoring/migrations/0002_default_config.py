# SPDX-License-Identifier: AGPL-3.0-or-later
"""The default index configuration (domain.md §5), written once; an administrator edits it afterwards."""

from decimal import Decimal

from django.db import migrations

GROUPS = {"1": 18, "2": 20, "3": 12, "4": 10, "5": 22, "6": 18}
# indicator: (points, full points from this ratio in %)
INDICATORS = {
    "1.1": (6, 100), "1.2": (4, 100), "1.3": (2, 100), "1.4": (6, 100),
    "2.1": (20, 100),
    "3.1": (12, 100), "3.2": (0, 80), "3.3": (0, 50),
    "4.1": (2, 80), "4.2": (2, 100), "4.3": (6, 100),
    "5.1": (6, 100), "5.2": (4, 80), "5.3": (2, 100), "5.4": (2, 80), "5.5": (4, 100), "5.6": (2, 100),
    "5.7": (2, 100),
    "6.1": (6, 100), "6.2": (6, 100), "6.3": (6, 90),
}


def create(apps, schema_editor):
    IndexConfig = apps.get_model("monitoring", "IndexConfig")
    IndexWeight = apps.get_model("monitoring", "IndexWeight")
    if IndexConfig.objects.exists():
        return
    config = IndexConfig.objects.create(band_green=Decimal(90), band_yellow=Decimal(70), publish_days=5)
    rows = [IndexWeight(config=config, key=key, points=Decimal(points), threshold=Decimal(100))
            for key, points in GROUPS.items()]
    rows += [IndexWeight(config=config, key=key, points=Decimal(points), threshold=Decimal(threshold))
             for key, (points, threshold) in INDICATORS.items()]
    IndexWeight.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
