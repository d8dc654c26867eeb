"""Issue 18: an item's calendar UID is stored (as a meeting's is); a report keeps its file's name.

Items that exist keep the UID the calendar feed gave them until now,
``action-item-<pk>@<calendar domain>``, so calendars that already subscribed see the same events
and no duplicates; new items get ``action-item-<uuid>@lianxi``, which no setting changes.
Reports that exist get the last part of their stored path as their name (the best there is).
"""

import urllib.parse
from email.utils import parseaddr

from django.conf import settings
from django.db import migrations, models

import lianxi.supervision.models


def _calendar_domain() -> str:
    """What `lianxi.meetings.ics.calendar_domain` answered when the UIDs were derived."""
    configured = getattr(settings, "LIANXI_CALENDAR_DOMAIN", "")
    if configured:
        return str(configured)
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2]
    if domain:
        return domain
    return urllib.parse.urlsplit(settings.LIANXI_SITE_URL).hostname or "lianxi.localhost"


def backfill(apps, schema_editor):
    ActionItem = apps.get_model("supervision", "ActionItem")
    ProgressReport = apps.get_model("supervision", "ProgressReport")
    domain = _calendar_domain()
    for pk in ActionItem.objects.filter(ical_uid__isnull=True).values_list("pk", flat=True):
        ActionItem.objects.filter(pk=pk).update(ical_uid=f"action-item-{pk}@{domain}")
    for report in ProgressReport.objects.exclude(attachment="").only("pk", "attachment"):
        name = (report.attachment.name or "").rsplit("/", 1)[-1][:255]
        ProgressReport.objects.filter(pk=report.pk).update(attachment_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_reminder"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionitem",
            name="ical_uid",
            field=models.CharField(editable=False, max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="progressreport",
            name="attachment_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="附件名称"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="actionitem",
            name="ical_uid",
            field=models.CharField(
                default=lianxi.supervision.models.new_ical_uid,
                editable=False,
                max_length=100,
                unique=True,
            ),
        ),
    ]
