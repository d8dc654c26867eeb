import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_unbound_feeds(apps, schema_editor):
    """A feed 0004 could not bind (its owner had no active membership then) shows nothing and
    never will; its owner issues a new one in the joint meeting they act in."""
    CalendarFeed = apps.get_model("meetings", "CalendarFeed")
    CalendarFeed.objects.filter(membership__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_calendar_feed_bound_to_membership"),
        ("organization", "0002_memberships_per_mechanism"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_unbound_feeds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="calendarfeed",
            name="membership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="calendar_feeds",
                to="organization.membership",
                verbose_name="身份",
            ),
        ),
        # A person in two joint meetings has a feed in each.
        migrations.AlterField(
            model_name="calendarfeed",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="calendar_feeds",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="calendarfeed",
            constraint=models.UniqueConstraint(
                fields=["membership"], name="calendar_feed_membership_unique"
            ),
        ),
    ]
