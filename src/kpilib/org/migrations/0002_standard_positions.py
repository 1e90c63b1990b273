"""The presales positions every organisation starts with; admins may add more."""

from django.db import migrations

from kpilib.org.positions import STANDARD_POSITIONS


def add_positions(apps, schema_editor):
    Position = apps.get_model("org", "Position")
    for code, name_zh_hans, name_en in STANDARD_POSITIONS:
        Position.objects.get_or_create(
            code=code, defaults={"name_zh_hans": name_zh_hans, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(add_positions, migrations.RunPython.noop)]
