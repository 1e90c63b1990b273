"""The kpilib_bi_* read-only views (kpilib.bi.views), on PostgreSQL and SQLite.

Within `migrate` the views are created at the end of the run (after every other
migration, which may rebuild the tables they read); run on its own (a migration executor
outside `migrate`) this creates them at once. Reversed, it drops them.
"""

from typing import Any

from django.db import migrations


def create_views(apps: Any, schema_editor: Any) -> None:
    from kpilib.bi import views

    if not views.migrating(schema_editor.connection.alias):
        views.create(schema_editor.connection)


def drop_views(apps: Any, schema_editor: Any) -> None:
    from kpilib.bi import views

    views.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0008_self_assessment_and_review"),
        ("ingest", "0003_batch_encoding"),
        ("library", "0001_initial"),
        ("org", "0004_english_names"),
        ("plans", "0004_ahp_profiles_and_applications"),
    ]

    operations = [migrations.RunPython(create_views, drop_views, elidable=False)]
