"""The keyed audit chain (issue 17, GB/T 22239-2019 8.1.4.3): seal the head, guard the tables.

1. The events written so far (plain SHA-256, no key id) stay as they are. The head records how
   many there are (`count`) and where they end (`legacy_until_id`), and is sealed with an HMAC
   by the audit key (made now if there is none): verify checks them with SHA-256 up to that
   boundary and HMAC after it, and the first keyed event links to the last of them. They are
   not re-chained: that would rewrite the very records an assessor wants untouched.
2. Triggers refuse UPDATE and DELETE of events (and TRUNCATE on PostgreSQL), and let the head
   only move forward (never deleted, its count and ids never smaller). `lianxi audit archive`
   passes through them inside its own transaction: on PostgreSQL with
   ``set_config('lianxi.audit_maintenance', 'on', true)``, on SQLite through the function
   ``lianxi_audit_open()`` the platform registers on each of its connections (a connection that
   lacks it, such as the sqlite3 shell, is refused). These stop accidents and casual tampering;
   someone who owns the tables can still switch them off, which the HMACs, the head's seal and
   the checkpoints outside the database then reveal (and verify reports a missing trigger).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('lianxi.audit_maintenance', true), '') = 'on' THEN
        IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = '审计记录只能追加，不能修改、删除或清空（' || TG_OP || ' core_auditevent）',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();

CREATE OR REPLACE FUNCTION core_audithead_forward_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('lianxi.audit_maintenance', true), '') = 'on' THEN
        IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id
        AND NEW.count >= OLD.count
        AND NEW.last_id >= OLD.last_id
        AND NEW.archived_until_id >= OLD.archived_until_id
        AND NEW.archived_count >= OLD.archived_count
        AND NEW.legacy_until_id = OLD.legacy_until_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = '审计链头只能向前推进，不能回拨、删除或清空（' || TG_OP || ' core_audithead）',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_audithead_forward_only
    BEFORE UPDATE OR DELETE ON core_audithead
    FOR EACH ROW EXECUTE FUNCTION core_audithead_forward_only();
CREATE TRIGGER core_audithead_no_truncate
    BEFORE TRUNCATE ON core_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audithead_forward_only();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_audithead_forward_only ON core_audithead;
DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead;
DROP FUNCTION IF EXISTS core_audithead_forward_only();
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = '审计记录只能追加，不能修改或删除（' || TG_OP || ' core_auditevent）',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

_OPEN = "lianxi_audit_open() = 0"
SQLITE_FORWARD = [
    f"""CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    WHEN {_OPEN} BEGIN
        SELECT RAISE(ABORT, '审计记录只能追加，不能修改（UPDATE core_auditevent）');
    END""",
    f"""CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    WHEN {_OPEN} BEGIN
        SELECT RAISE(ABORT, '审计记录只能追加，不能删除（DELETE core_auditevent）');
    END""",
    f"""CREATE TRIGGER core_audithead_no_delete BEFORE DELETE ON core_audithead
    WHEN {_OPEN} BEGIN
        SELECT RAISE(ABORT, '审计链头不能删除（DELETE core_audithead）');
    END""",
    f"""CREATE TRIGGER core_audithead_forward_only BEFORE UPDATE ON core_audithead
    WHEN {_OPEN} AND (
        NEW.id <> OLD.id OR NEW.count < OLD.count OR NEW.last_id < OLD.last_id
        OR NEW.archived_until_id < OLD.archived_until_id
        OR NEW.archived_count < OLD.archived_count
        OR NEW.legacy_until_id <> OLD.legacy_until_id
    ) BEGIN
        SELECT RAISE(ABORT, '审计链头只能向前推进，不能回拨（UPDATE core_audithead）');
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS core_audithead_no_delete",
    "DROP TRIGGER IF EXISTS core_audithead_forward_only",
]


def seal_existing_head(apps, schema_editor):
    from lianxi.core.audit import seal_head
    from lianxi.core.audit_keys import current_key

    head_model = apps.get_model("core", "AuditHead")
    event_model = apps.get_model("core", "AuditEvent")
    head = head_model.objects.filter(pk=1).first()
    if head is None:
        return  # an empty trail: the first event makes a sealed head
    head.count = event_model.objects.count()
    head.legacy_until_id = head.last_id
    seal_head(head, current_key())
    head.save()


def forward(apps, schema_editor):
    seal_existing_head(apps, schema_editor)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_password_state")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
