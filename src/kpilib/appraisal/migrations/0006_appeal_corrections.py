import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0005_cycle_phase_change_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="line_code",
            field=models.CharField(
                blank=True,
                help_text="The scorecard line whose data is disputed; empty when the appeal is about the grade.",
                max_length=80,
                verbose_name="disputed line",
            ),
        ),
        migrations.AddField(
            model_name="scorecard",
            name="appeal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="appraisal.appeal",
                verbose_name="corrected on appeal",
            ),
        ),
        migrations.AddField(
            model_name="scorecard",
            name="corrected_grade",
            field=models.CharField(
                blank=True, max_length=16, verbose_name="grade corrected on appeal"
            ),
        ),
        migrations.AddField(
            model_name="scorecard",
            name="corrected_grade_reason",
            field=models.TextField(blank=True, verbose_name="reason for the corrected grade"),
        ),
    ]
