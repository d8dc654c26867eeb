"""`make run`'s first run: the default rules are imported and the printed account logs in."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from lianxi.organization.models import Duty, Membership, Unit

pytestmark = pytest.mark.django_db


def test_setup_imports_default_rules_and_prints_a_working_first_account_附件():
    """附件: the 15 member units and their 50 duties come from the project's copy of the rules."""
    out = StringIO()
    call_command("setup", stdout=out)
    text = out.getvalue()
    assert Unit.objects.filter(kind="member").count() == 15
    assert Duty.objects.filter(valid_to__isnull=True).count() == 50
    username_match = re.search(r"用户名：(\S+)", text)
    password_match = re.search(r"密\s*码：(\S+)", text)
    assert username_match and password_match, text
    username, password = username_match.group(1), password_match.group(1)
    membership = Membership.objects.get(user__username=username)
    assert membership.role == "secretariat"
    assert membership.unit.name == "市卫生健康委"
    client = Client()
    response = client.post("/account/login/", {"username": username, "password": password})
    assert response.status_code == 302
    # Issue 17 (GB/T 22239 8.1.4.1 a): the printed password is changed before any page.
    assert client.get("/units/")["Location"].startswith("/account/password/")
    new = "Mishu-own-2026"
    data = {"old_password": password, "new_password1": new, "new_password2": new}
    assert client.post("/account/password/", data).status_code == 302
    assert client.get("/units/").status_code == 200


def test_setup_twice_changes_nothing_and_prints_no_password():
    call_command("setup", stdout=StringIO())
    out = StringIO()
    call_command("setup", stdout=out)
    assert "密" not in out.getvalue()
    assert Unit.objects.filter(kind="member").count() == 15
    assert Membership.objects.count() == 1
