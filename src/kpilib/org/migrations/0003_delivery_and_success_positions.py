"""Delivery and customer-success positions, which share indicators with presales (issue 17)."""

from django.db import migrations

POSITIONS = (
    ("delivery-engineer", "交付工程师", "Delivery engineer"),
    ("customer-success-manager", "客户成功经理", "Customer success manager"),
)


def add_positions(apps, schema_editor):
    Position = apps.get_model("org", "Position")
    for code, name_zh_hans, name_en in POSITIONS:
        Position.objects.get_or_create(
            code=code, defaults={"name_zh_hans": name_zh_hans, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0002_standard_positions")]
    operations = [migrations.RunPython(add_positions, migrations.RunPython.noop)]
