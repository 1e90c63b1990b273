"""`source` becomes `origin`: the interface a change came through (web, api, cli, task,
webhook, demo). Earlier values map to the nearest origin: the admin and imports were
web pages (the CLI had no user either way), "system" was background work."""

from django.db import migrations, models

LEGACY = {"admin": "web", "import": "web", "system": "task"}


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for old, new in LEGACY.items():
        AuditEvent.objects.filter(origin=old).update(origin=new)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RenameField("auditevent", "source", "origin"),
        migrations.AlterField(
            model_name="auditevent",
            name="origin",
            field=models.CharField(
                choices=[
                    ("web", "web"),
                    ("api", "API"),
                    ("cli", "command line"),
                    ("task", "background task"),
                    ("webhook", "webhook"),
                    ("demo", "demo data"),
                ],
                max_length=10,
                verbose_name="origin",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
