# Issue 17: tokens obey the same rules as people (an expiry, read / write, the apps they may touch).

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

# The routers (scopes) there were when tokens got scopes: tokens issued before keep doing what
# they could, writing to every one of them, for 90 days from this migration.
SCOPES_AT_MIGRATION = ["incidents", "meetings", "minutes", "organization", "routing", "supervision"]


def scope_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    expires = timezone.now() + timedelta(days=90)
    ApiToken.objects.all().update(access="write", scopes=SCOPES_AT_MIGRATION, expires_at=expires)


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0002_token_bound_to_membership"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="access",
            field=models.CharField(
                choices=[("read", "只读"), ("write", "读写")],
                default="write",
                max_length=10,
                verbose_name="权限",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="可访问的模块"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="有效期至"),
        ),
        migrations.RunPython(scope_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="有效期至"),
        ),
    ]
