"""The audit head names its chain and remembers its last checkpoint (issue 17, GB/T 22239-2019
8.1.4.3).

- `chain_id`: made once (random) when the head is next written with a sound seal; the checkpoint
  file is named after it instead of after the database file, so moving the database keeps its
  checkpoints. Files named the old way (``<vendor>-<database file>.jsonl``) are still read.
- `checkpoint_count`, `checkpoint_at`: what the last checkpoint shipped recorded, kept under the
  head's seal, so a checkpoint file deleted, emptied or cut short is reported by verify.

Nothing is written to an existing head here: it gets its chain id at its next sound write (a
head whose seal does not hold is never re-sealed). On SQLite, adding a NOT NULL column rebuilds
the table, which drops its triggers: the head's two triggers of 0007 are made again.
"""

import importlib

from django.db import migrations, models

_HEAD_TRIGGERS = ("core_audithead_no_delete", "core_audithead_forward_only")


def _recreate_sqlite_head_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    keyed = importlib.import_module("lianxi.core.migrations.0007_audit_keyed_chain")
    for name in _HEAD_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in keyed.SQLITE_FORWARD:
        if any(f"CREATE TRIGGER {name} " in statement for name in _HEAD_TRIGGERS):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_keyed_chain")]

    operations = [
        # Unapplying removes the columns (a rebuild again on SQLite): this runs last then.
        migrations.RunPython(migrations.RunPython.noop, _recreate_sqlite_head_triggers),
        migrations.AddField(
            model_name="audithead",
            name="chain_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="audithead",
            name="checkpoint_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="audithead",
            name="checkpoint_count",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(_recreate_sqlite_head_triggers, migrations.RunPython.noop),
    ]
