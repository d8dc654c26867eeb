from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_event_scope"),
    ]

    operations = [
        migrations.CreateModel(
            name="Serial",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("series", models.CharField(max_length=60, verbose_name="序列")),
                ("scope_id", models.BigIntegerField(verbose_name="范围ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("last", models.PositiveIntegerField(default=0, verbose_name="已用到")),
            ],
            options={
                "verbose_name": "编号序列",
                "verbose_name_plural": "编号序列",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("series", "scope_id", "year"), name="serial_once"
                    )
                ],
            },
        ),
    ]
