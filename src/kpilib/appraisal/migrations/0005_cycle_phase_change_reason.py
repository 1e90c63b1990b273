from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0004_english_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="phase_change_reason",
            field=models.TextField(
                blank=True,
                help_text="Why the last phase change went ahead before its phase was finished.",
                verbose_name="reason for moving on early",
            ),
        ),
    ]
