import django.db.models.deletion
from django.db import migrations, models


def place_minutes(apps, schema_editor):
    """Each minutes belongs to its meeting's joint meeting, and the numbers already taken are
    where the series of that joint meeting and year continues from."""
    Minutes = apps.get_model("meetings", "Minutes")
    Serial = apps.get_model("core", "Serial")
    for minutes in Minutes.objects.select_related("meeting").iterator():
        minutes.mechanism_id = minutes.meeting.mechanism_id
        minutes.save(update_fields=["mechanism"])
    taken = (
        Minutes.objects.filter(serial__isnull=False)
        .values("mechanism_id", "year")
        .annotate(last=models.Max("serial"))
    )
    for row in taken:
        Serial.objects.update_or_create(
            series="minutes",
            scope_id=row["mechanism_id"],
            year=row["year"],
            defaults={"last": row["last"]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_serial"),
        ("meetings", "0002_agenda_item_units"),
        ("organization", "0002_memberships_per_mechanism"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="minutes", name="minutes_number_unique"),
        migrations.AddField(
            model_name="minutes",
            name="mechanism",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organization.mechanism",
                verbose_name="联席会议",
            ),
        ),
        migrations.RunPython(place_minutes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="minutes",
            name="mechanism",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organization.mechanism",
                verbose_name="联席会议",
            ),
        ),
        migrations.AddConstraint(
            model_name="minutes",
            constraint=models.UniqueConstraint(
                condition=models.Q(("serial__isnull", False)),
                fields=("mechanism", "year", "serial"),
                name="minutes_number_unique",
            ),
        ),
    ]
