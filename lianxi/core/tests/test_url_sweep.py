"""The URL sweep (issue 8, "Must show"): a second joint meeting's people in every role
(secretariat, liaison, auditor, security administrator, government office, observer), their API
tokens, a person of both meetings who has chosen the second, an outsider and an anonymous visitor
can read or change nothing of the first joint meeting, on any page, endpoint, search, feed or
download.

The URLs are not listed here: they are walked from the URL configuration, so a new app's pages
and endpoints are swept the day they exist. Each URL parameter is filled with the id of the right
object of the first meeting's world (``sweep_world.py``); a parameter the map below does not know
fails the sweep, so that whoever adds a URL also says which object it names.

One test per persona loops over every URL with GET and POST (and the API's declared PATCH and
DELETE), collecting every failure into one readable table.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from lianxi.api.services import api_token_create
from lianxi.api.tests.conftest import bearer
from lianxi.core.models import AuditEvent
from lianxi.organization.models import Mechanism, Membership, Unit
from lianxi.supervision.models import ActionItem
from lianxi.supervision.services import action_item_create

from .sweep_world import PROBE_WORDS, SECRET, World, build_world, markers

pytestmark = pytest.mark.django_db

LOGIN_PATH = "/account/login/"
API_PREFIX = "api/v1/"

# Public by design, or not about any joint meeting's records: not swept.
EXCLUDED = {
    "login": "the login form is for everyone",
    "logout": "ends the sweeping client's own session (it would log the persona out)",
    "healthz": "the load balancer's probe: says 'ok', nothing of any joint meeting",
    "api:openapi-json": "the API's schema: public documentation, no records",
    "api:api-root": "the API's index: links only",
    # The secret token in the URL is itself the credential (a calendar app cannot log in);
    # a persona's own feed is checked below with its own token.
    "calendar_feed:feed": "the token is the credential",
    # The choice of the joint meeting acted in: its own test below (two_meetings_person).
    "choose_membership": "tested by the two-meetings test",
}


# --- The map: which object of the first meeting each URL parameter names --------------------

# (route prefix, parameter) -> a function of the world giving the value; the longest matching
# prefix wins, so "meetings/minutes/" (a minutes) beats "meetings/" (a meeting).
PARAMS: dict[tuple[str, str], Callable[[World], Any]] = {
    ("units/people/", "pk"): lambda w: w.person.pk,  # a membership
    ("units/", "pk"): lambda w: w.person.unit_id,  # the unit of 甲秘书 (names, phones)
    ("messages/dead-letters/", "pk"): lambda w: w.dead_letter.pk,
    # A local-mode mail file (var/mail/); the tests send to memory, so none exists: 404 inside.
    ("messages/local-mail/", "name"): lambda w: "20260101-090000-sweep.eml",
    ("messages/", "pk"): lambda w: w.inbox_delivery.pk,
    ("meetings/minutes/", "pk"): lambda w: w.minutes.pk,
    ("meetings/minutes/", "section_pk"): lambda w: w.section.pk,
    ("meetings/minutes/", "resolution_pk"): lambda w: w.resolution.pk,
    ("meetings/", "pk"): lambda w: w.meeting.pk,
    ("meetings/", "item_pk"): lambda w: w.agenda_item.pk,
    ("meetings/", "material_pk"): lambda w: w.material.pk,
    ("meetings/", "direction"): lambda w: "up",
    ("supervision/", "pk"): lambda w: w.item.pk,
    ("supervision/", "report_pk"): lambda w: w.report.pk,
    ("supervision/", "extension_pk"): lambda w: w.extension.pk,
    ("incidents/", "pk"): lambda w: w.incident.pk,
    ("incidents/", "notice_pk"): lambda w: w.notice.pk,
    ("incidents/", "update_pk"): lambda w: w.update.pk,
    ("routing/thesaurus/", "pk"): lambda w: w.thesaurus_entry.pk,
    ("account/tokens/", "pk"): lambda w: w.api_token.pk,
    ("documents/", "pk"): lambda w: w.document.pk,
    ("documents/rounds/", "pk"): lambda w: w.consultation.pk,
    ("documents/replies/", "pk"): lambda w: w.comment.reply_id,
    ("documents/comments/", "pk"): lambda w: w.comment.pk,
    ("documents/seals/", "pk"): lambda w: w.seal.pk,
    ("documents/numbers/", "pk"): lambda w: w.issued_number.pk,
    ("documents/receipts/", "pk"): lambda w: w.receipt.pk,
    ("decisions/", "pk"): lambda w: w.decision.pk,
    ("decisions/opinions/", "pk"): lambda w: w.decision_opinion.pk,
    ("annual/", "year"): lambda w: w.annual_submission.cycle.year,
    ("annual/", "unit_id"): lambda w: w.annual_submission.unit_id,
    ("annual/", "part"): lambda w: "summary",
    ("bulletins/", "report_id"): lambda w: w.info_report.pk,
    ("bulletins/", "file_id"): lambda w: w.info_file.pk,
    ("bulletins/", "brief_id"): lambda w: w.brief.pk,
    (API_PREFIX + "info-reports/", "report_id"): lambda w: w.info_report.pk,
    (API_PREFIX + "briefs/", "brief_id"): lambda w: w.brief.pk,
    (API_PREFIX + "briefs/", "kind"): lambda w: "pdf",
    (API_PREFIX, "unit_id"): lambda w: w.person.unit_id,
    (API_PREFIX, "meeting_id"): lambda w: w.meeting.pk,
    (API_PREFIX, "material_id"): lambda w: w.material.pk,
    (API_PREFIX, "minutes_id"): lambda w: w.minutes.pk,
    (API_PREFIX, "section_id"): lambda w: w.section.pk,
    (API_PREFIX, "resolution_id"): lambda w: w.resolution.pk,
    (API_PREFIX, "item_id"): lambda w: w.item.pk,
    (API_PREFIX, "report_id"): lambda w: w.report.pk,
    (API_PREFIX, "extension_id"): lambda w: w.extension.pk,
    (API_PREFIX, "incident_id"): lambda w: w.incident.pk,
    (API_PREFIX, "notice_id"): lambda w: w.notice.pk,
    (API_PREFIX, "update_id"): lambda w: w.update.pk,
    (API_PREFIX, "document_id"): lambda w: w.document.pk,
    (API_PREFIX, "decision_id"): lambda w: w.decision.pk,
    (API_PREFIX + "annual/", "year"): lambda w: _annual_year(w),
    (API_PREFIX + "annual/", "part"): lambda w: "summary",
    (API_PREFIX, "consultation_id"): lambda w: w.consultation.pk,
    (API_PREFIX, "opinion_id"): lambda w: w.comment.pk,
    (API_PREFIX + "documents/", "number"): lambda w: w.document.version,
    (API_PREFIX + "documents/", "kind"): lambda w: "pdf",
}


def _annual_year(world: World) -> int:
    """The year of the first meeting's latest annual cycle (四(三)); the coming year if none."""
    from lianxi.annual.models import AnnualCycle

    years = AnnualCycle.objects.filter(mechanism=world.mechanism).order_by("-year")
    return years.values_list("year", flat=True).first() or timezone.localdate().year + 1


# Parameters that are not an object of the first meeting (a direction, a word).
NOT_AN_ID = {"direction", "name"}
# A year of 履职情况 (四(三)) names no object: the page compiles the caller's own joint meeting's
# records of that year (the body is still checked for the first meeting's markers).
NOT_AN_ID_UNDER = {("annual/record/", "year")}
# What a GET sends besides the path: search boxes and the routing page get words of the first
# meeting's records (not markers, see sweep_world), so a search or a route that reaches across
# joint meetings shows a marker.
QUERY = {"q": PROBE_WORDS, "text": PROBE_WORDS, "matter": PROBE_WORDS}

PARAM_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Route:
    name: str
    route: str  # e.g. "meetings/<int:pk>/agenda/"
    params: list[str]

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIX)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            joined = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, route, joined)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or route)
            params = [m.group("name") for m in PARAM_RE.finditer(route)]
            yield Route(name=name, route=route, params=params)


def all_routes() -> list[Route]:
    """Every named page and endpoint, once per path (the API names one path per method)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.route, route)
    return list(seen.values())


def swept_routes() -> list[Route]:
    return [r for r in all_routes() if r.name not in EXCLUDED]


def _param_value(world: World, route: Route, param: str) -> Any:
    matches = [
        (prefix, get)
        for (prefix, name), get in PARAMS.items()
        if name == param and route.route.startswith(prefix)
    ]
    if not matches:
        raise LookupError(
            f"URL {route.route!r} ({route.name}) has a parameter {param!r} the sweep does not "
            f"know: add it to PARAMS in {__name__} with the first meeting's object it names "
            "(and that object to sweep_world.py), so the new URL is swept."
        )
    _, get = max(matches, key=lambda m: len(m[0]))
    return get(world)


def url_of(world: World, route: Route) -> str:
    def fill(match: re.Match[str]) -> str:
        return str(_param_value(world, route, match.group("name")))

    return "/" + PARAM_RE.sub(fill, route.route)


# --- API methods and bodies, from the OpenAPI schema ----------------------------------------


def _openapi() -> dict[str, Any]:
    from lianxi.api.urls import api

    return api.get_openapi_schema()


def _openapi_path(route: Route) -> str:
    return "/" + PARAM_RE.sub(lambda m: "{" + m.group("name") + "}", route.route)


def methods_of(route: Route, schema: dict[str, Any]) -> list[str]:
    """GET and POST everywhere; on the API also what the path declares (PATCH, DELETE)."""
    methods = ["get", "post"]
    if route.is_api:
        declared = schema["paths"].get(_openapi_path(route), {})
        methods += sorted(m for m in declared if m not in methods)
    return methods


class BodyMaker:
    """A minimal valid-looking body for an API operation: the required fields, and every field
    naming units filled with the first meeting's unit ids (a write that takes them across joint
    meetings must be refused). A body that passes validation reaches the access check."""

    def __init__(self, schema: dict[str, Any], first_unit_ids: list[int]) -> None:
        self.schema = schema
        self.unit_ids = first_unit_ids

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self.schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            node = self._resolve(options[0]) if options else {"type": "null"}
        return node

    def value(self, name: str, node: dict[str, Any]) -> Any:
        node = self._resolve(node)
        if "enum" in node:
            return node["enum"][0]
        kind, fmt = node.get("type"), node.get("format")
        soon = timezone.localtime() + timedelta(days=15)
        if kind == "object":
            return self.obj(node)
        if kind == "array":
            return self.unit_ids[:1] if "unit" in name else []
        if kind == "integer":
            return self.unit_ids[0] if "unit" in name else 5
        if kind == "boolean":
            return True
        if fmt == "date-time":
            return soon.isoformat()
        if fmt == "date":
            return (soon + timedelta(days=60)).date().isoformat()
        if fmt == "binary":
            return io.BytesIO("扫描测试".encode())
        return "扫描测试"

    def obj(self, node: dict[str, Any]) -> dict[str, Any]:
        node = self._resolve(node)
        required = set(node.get("required", []))
        return {
            name: self.value(name, prop)
            for name, prop in node.get("properties", {}).items()
            if name in required or "unit" in name
        }

    def request(self, route: Route, method: str) -> dict[str, Any]:
        """Keyword arguments for the test client's call."""
        op = self.schema["paths"].get(_openapi_path(route), {}).get(method)
        content = (op or {}).get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = self.obj(content["application/json"]["schema"])
            return {"data": json.dumps(body), "content_type": "application/json"}
        if "multipart/form-data" in content:
            body = self.obj(content["multipart/form-data"]["schema"])
            for key, value in body.items():
                if hasattr(value, "read"):
                    value.name = f"{key}.txt"
            return {"data": body}
        return {}


# --- What a response may show ----------------------------------------------------------------


def body_text(response: Any) -> str:
    """All the text a response carries: HTML/JSON/XML/.ics decoded (JSON with its escapes
    undone, .ics lines unfolded), an .xlsx/.docx opened and its XML read."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        raw = response.content
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                # openpyxl writes Chinese as character references (&#30563;).
                return html.unescape(
                    "\n".join(
                        archive.read(n).decode("utf-8", "replace")
                        for n in archive.namelist()
                        if n.endswith((".xml", ".rels"))
                    )
                )
        except zipfile.BadZipFile:
            pass
    if raw[:5] == b"%PDF-":
        # pdftotext breaks lines mid-word: a marker may span two.
        return re.sub(r"\s+", "", pdf_text(raw))
    text = html.unescape(raw.decode("utf-8", "replace"))
    if "json" in response.get("Content-Type", ""):
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return text.replace("\r\n ", "").replace("\r\n\t", "")


UNIT_LINK = re.compile(r"/units/(\d+)/")


def first_units_named(text: str, units: dict[int, str]) -> list[tuple[int, str]]:
    """The first meeting's units a body names: both joint meetings have units of the same
    names, so the name is no marker; a link to the unit's page or an API object with its id and
    name is (e.g. a route proposing the first meeting's units to the second)."""
    found = {int(pk) for pk in UNIT_LINK.findall(text)} & set(units)
    if text[:1] in "[{":
        try:
            stack: list[Any] = [json.loads(text)]
        except ValueError:
            stack = []
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                pk = node.get("id")
                if isinstance(pk, int) and pk in units and units[pk] == node.get("name"):
                    found.add(pk)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return sorted((pk, units[pk]) for pk in found)


def pdf_text(raw: bytes) -> str:
    """The text of a PDF, by poppler's pdftotext (in the image for the documents' tests)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDFs the sweep receives")
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=raw, capture_output=True, timeout=60, check=False
    )
    return done.stdout.decode("utf-8", "replace")


# --- The first meeting's data, fingerprinted --------------------------------------------------


def _paths_to_mechanism(model: type[models.Model], depth: int = 3) -> list[str]:
    """Every chain of foreign keys (up to `depth`) from `model` to Mechanism, as lookups."""
    if model is Mechanism:
        return ["pk"]
    found: list[str] = []

    def walk(current: type[models.Model], prefix: str, left: int, seen: tuple[Any, ...]) -> None:
        for f in current._meta.get_fields():
            if not (f.is_relation and (f.many_to_one or f.one_to_one) and f.concrete):
                continue
            target = f.related_model
            if target is Mechanism:
                found.append(f"{prefix}{f.name}")
            elif left > 1 and target not in seen and isinstance(target, type):
                walk(target, f"{prefix}{f.name}__", left - 1, (*seen, target))

    walk(model, "", depth, (model,))
    return found


def fingerprint(
    mechanism: Mechanism, own_user_ids: frozenset[int] = frozenset()
) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every row of the first joint meeting, with all its field values, model by model.

    "Of the first meeting" is found, not listed: a row of any model that reaches the mechanism
    through foreign keys (so a new app's models are in it the day they exist), the accounts of
    its people, their messages and deliveries, and its audit trail (``scope_id``). The audit
    trail is included although reads may audit: an event in the first meeting's trail written
    during another joint meeting's sweep means that persona touched the first meeting's record.
    Rows of other joint meetings, sessions and the login throttle change legitimately while the
    personas act in their own joint meeting, and are left out.

    `own_user_ids`: the sweeping persona's account when it is also one of the first meeting's
    people. Its rows that reach no mechanism but through the account (its message settings, its
    authenticator, its second meeting's messages and tokens) are its own, shared by both
    meetings, and left out; its account row and everything of it reaching the first meeting
    through foreign keys (the first meeting's messages to it, its first membership) stay in.
    """
    user_ids = set(
        Membership.objects.filter(unit__mechanism=mechanism).values_list("user_id", flat=True)
    )
    others = user_ids - own_user_ids
    out: dict[str, dict[Any, tuple[Any, ...]]] = {}
    for model in apps.get_models():
        label = model._meta.label
        queryset: models.QuerySet[Any]
        if model is AuditEvent:
            queryset = model.objects.filter(scope_id=mechanism.pk)
        elif model is get_user_model():
            queryset = model.objects.filter(pk__in=user_ids)
        else:
            paths = _paths_to_mechanism(model)
            user_fks = [
                f.name
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is get_user_model()
            ]
            if label == "notifications.Message":
                user_fks = [*user_fks, "deliveries__user"]
            if not paths and not user_fks:
                continue
            condition = Q()
            for path in paths:
                condition |= Q(**{path: mechanism.pk})
            for fk in user_fks:
                condition |= Q(**{f"{fk}__in": others})
            queryset = model._default_manager.filter(condition).distinct()
        names = [f.attname for f in model._meta.concrete_fields]
        out[label] = {row[0]: row for row in queryset.order_by("pk").values_list("pk", *names)}
    return out


def fingerprint_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changes = []
    for label in sorted(set(before) | set(after)):
        old, new = before.get(label, {}), after.get(label, {})
        for pk in sorted(set(old) | set(new), key=str):
            if pk not in old:
                changes.append(f"{label} #{pk} created")
            elif pk not in new:
                changes.append(f"{label} #{pk} deleted")
            elif old[pk] != new[pk]:
                changes.append(f"{label} #{pk} changed")
    return changes


# --- The sweep ------------------------------------------------------------------------------


def _own_names(person: Any) -> frozenset[str]:
    # The person is a member of the first meeting, so their name is one of its markers; in the
    # second meeting it is their own (the header, their people page, their own audit events),
    # which is no leak. Only this persona's sweep leaves it out.
    return frozenset({person.first_name})


@dataclass
class Sweep:
    world: World
    persona: str
    client: Client
    anonymous: bool = False
    failures: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    requests: int = 0
    units: dict[int, str] = field(default_factory=dict)  # the first meeting's, by id
    # The persona's account when it is also one of the first meeting's people (the person of
    # both meetings): its name and its account's own rows are no leak (_own_names, fingerprint).
    own_account: Any = None

    @property
    def own_user_ids(self) -> frozenset[int]:
        return frozenset({self.own_account.pk}) if self.own_account is not None else frozenset()

    def fail(self, url: str, method: str, status: Any, reason: str) -> None:
        self.failures.append((url, method.upper(), self.persona, str(status), reason))

    def run(self) -> None:
        schema = _openapi()
        first_units = list(
            Unit.objects.filter(mechanism=self.world.mechanism)
            .order_by("order")
            .values_list("pk", flat=True)
        )
        self.units = dict(
            Unit.objects.filter(mechanism=self.world.mechanism).values_list("pk", "name")
        )
        bodies = BodyMaker(schema, first_units)
        own_names = _own_names(self.own_account) if self.own_account is not None else frozenset()
        seen = [m for m in markers(self.world.mechanism) if m not in own_names]
        before = fingerprint(self.world.mechanism, self.own_user_ids)
        for route in swept_routes():
            try:
                url = url_of(self.world, route)
            except LookupError as exc:
                self.fail(route.route, "-", "-", str(exc))
                continue
            assert resolve(url).route == route.route or route.is_api, (url, route.route)
            has_id = any(
                p not in NOT_AN_ID
                and not any(
                    route.route.startswith(prefix) and p == name for prefix, name in NOT_AN_ID_UNDER
                )
                for p in route.params
            )
            for method in methods_of(route, schema):
                self.requests += 1
                if method == "get":
                    response = self.client.get(url, QUERY)
                elif route.is_api:
                    response = getattr(self.client, method)(url, **bodies.request(route, method))
                else:
                    # Pages: an empty form (the test client skips the CSRF check).
                    response = getattr(self.client, method)(url)
                self.check(route, url, method, has_id, response, seen)
        changes = fingerprint_diff(before, fingerprint(self.world.mechanism, self.own_user_ids))
        if changes:
            self.fail("(all)", "-", "-", "the first meeting's data changed: " + "; ".join(changes))

    def check(
        self,
        route: Route,
        url: str,
        method: str,
        has_id: bool,
        response: Any,
        seen: list[str],
    ) -> None:
        status = response.status_code
        location = response.get("Location", "")
        to_login = 300 <= status < 400 and location.startswith(LOGIN_PATH)
        text = body_text(response)
        leaked = [m for m in seen if m in text]
        leaked += [f"unit #{pk} {name}" for pk, name in first_units_named(text, self.units)]
        if leaked:
            self.fail(url, method, status, f"body shows {', '.join(leaked)}")
        if status >= 500:
            self.fail(url, method, status, "server error")
        if self.anonymous:
            # 405 (a method the URL never takes) is decided before who asks, and says nothing.
            if status == 405:
                return
            if route.is_api and status != 401:
                self.fail(url, method, status, "anonymous: the API must answer 401")
            if not route.is_api and not to_login:
                self.fail(url, method, status, f"anonymous: not sent to login ({location})")
            return
        if not has_id:
            return
        if 200 <= status < 300:
            self.fail(url, method, status, "answered 2xx for an object of the first meeting")
        elif 300 <= status < 400 and not to_login:
            self.fail(url, method, status, f"redirected to {location} (it acted?)")

    def report(self) -> str:
        widths = [max(len(row[i]) for row in self.failures) for i in range(4)]
        header = ("URL", "METHOD", "PERSONA", "STATUS")
        widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
        lines = [
            "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  REASON",
            *(
                "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
                for row in self.failures
            ),
        ]
        return f"{len(self.failures)} failures of {self.requests} requests:\n" + "\n".join(lines)


def sweep(
    world: World,
    persona: str,
    client: Client,
    *,
    anonymous: bool = False,
    own_account: Any = None,
) -> None:
    run = Sweep(
        world=world, persona=persona, client=client, anonymous=anonymous, own_account=own_account
    )
    run.run()
    if run.failures:
        pytest.fail(run.report(), pytrace=False)


def test_every_url_parameter_is_in_the_map_and_the_sweep_covers_the_url_configuration(world):
    """A new app's URL with a parameter nobody mapped fails here first, with what to do."""
    unknown = []
    for route in swept_routes():
        try:
            url_of(world, route)
        except LookupError as exc:
            unknown.append(str(exc))
    assert not unknown, "\n".join(unknown)
    names = {r.name for r in swept_routes()}
    assert {"meetings:minutes_docx", "supervision:export", "api:incident_cap"} <= names
    assert len(swept_routes()) > 100


def test_the_sweep_sees_the_first_meetings_record_where_its_own_clerk_may(
    world, clerk, auditor, login
):
    """The sweep's eyes: what it reads (HTML, JSON, .xlsx, .docx, PDF, CAP XML, uploads, search
    results, the audit trail with its events from before scopes) shows the markers to the person
    who may see them, so their absence means something for the others."""
    from lianxi.api.services import api_token_create

    _, token = api_token_create(user=clerk, name="自检")
    page, api = login(clerk), bearer(token)
    w = world
    urls = [
        (page, "/units/"),
        (page, f"/meetings/{w.meeting.pk}/"),
        (page, f"/meetings/{w.meeting.pk}/materials/{w.material.pk}/"),
        (page, f"/meetings/minutes/{w.minutes.pk}/minutes.docx"),
        (page, f"/meetings/minutes/{w.minutes.pk}/minutes.pdf"),
        (page, "/supervision/export.xlsx"),
        (page, f"/supervision/{w.item.pk}/reports/{w.report.pk}/attachment/"),
        (page, "/messages/dead-letters/"),
        (page, "/search/"),
        (api, f"/api/v1/incidents/{w.incident.pk}/cap"),
        (api, f"/api/v1/action-items/{w.item.pk}"),
    ]
    blind = []
    for client, url in urls:
        response = client.get(url, QUERY)
        text = body_text(response)
        if response.status_code != 200 or not [m for m in markers(w.mechanism) if m in text]:
            blind.append((url, response.status_code))
    audit = body_text(login(auditor).get("/core/audit/"))
    if f"event-{w.legacy_event.pk}" not in audit or SECRET not in audit:
        blind.append(("/core/audit/ (the first meeting's auditor, the event without a scope)", 200))
    assert not blind
    units = dict(Unit.objects.filter(mechanism=w.mechanism).values_list("pk", "name"))
    assert first_units_named(body_text(page.get("/units/")), units)
    assert first_units_named(body_text(api.get("/api/v1/units")), units)


def test_anonymous_is_sent_to_login_on_every_page_and_refused_by_every_endpoint(world):
    sweep(world, "anonymous", Client(), anonymous=True)


def test_an_outsider_reads_and_changes_nothing_of_the_first_meeting(world, outsider, login):
    sweep(world, "outsider", login(outsider))


def test_the_second_meetings_clerk_reads_and_changes_nothing_of_the_first(
    world, second_clerk, login
):
    sweep(world, "second_clerk", login(second_clerk))


def test_the_second_meetings_liaison_reads_and_changes_nothing_of_the_first(
    world, second_liaison, login
):
    sweep(world, "second_liaison", login(second_liaison))


def test_the_second_meetings_clerks_api_token_reads_and_changes_nothing_of_the_first(
    world, second_clerk
):
    _, token = api_token_create(user=second_clerk, name="扫描")
    sweep(world, "second_clerk (token)", bearer(token))


# The second meeting's other roles: each reads what no clerk or liaison does (the auditor the audit
# trail, the security administrator the people pages of every role, the government office every
# incident and item, an invited unit's observer its meetings), so each is a hole of its own.
SECOND_ROLES = ["second_auditor", "second_security_admin", "second_gov_reader", "second_observer"]


@pytest.mark.parametrize("persona", SECOND_ROLES)
def test_the_second_meetings_other_roles_read_and_change_nothing_of_the_first(
    world, persona, request, login
):
    """The auditor's page lists events without a scope (written before joint meetings had
    one): they are the first meeting's, and shown to its auditor only (the eyes test above)."""
    sweep(world, persona, login(request.getfixturevalue(persona)))


@pytest.mark.parametrize("persona", SECOND_ROLES)
def test_the_second_meetings_other_roles_api_tokens_read_and_change_nothing_of_the_first(
    world, persona, request
):
    _, token = api_token_create(user=request.getfixturevalue(persona), name="扫描")
    sweep(world, f"{persona} (token)", bearer(token))


@pytest.fixture
def world_of_both(
    two_meetings_person: Any,
    mechanism: Any,
    second_mechanism: Any,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
) -> World:
    """The world made while the two-meetings person is already the first meeting's liaison of
    the health commission: the first meeting's notices, messages and item reach them there."""
    return build_world(
        mechanism=mechanism,
        second_mechanism=second_mechanism,
        clerk=clerk,
        health_liaison=health_liaison,
        other_liaison=other_liaison,
    )


def test_a_person_of_both_meetings_who_chose_the_second_reads_and_changes_nothing_of_the_first(
    world_of_both, two_meetings_person, login
):
    client = login(two_meetings_person)
    _choose(client, two_meetings_person, world_of_both.second_mechanism)
    sweep(
        world_of_both,
        "two_meetings_person (second chosen)",
        client,
        own_account=two_meetings_person,
    )


def test_a_person_of_both_meetings_token_bound_to_the_second_reads_nothing_of_the_first(
    world_of_both, two_meetings_person
):
    _, token = api_token_create(
        user=two_meetings_person,
        name="扫描",
        mechanism_name=world_of_both.second_mechanism.name,
    )
    sweep(
        world_of_both,
        "two_meetings_person (second's token)",
        bearer(token),
        own_account=two_meetings_person,
    )


def _feed_text(person: Any, mechanism: Mechanism | None = None) -> str:
    """The .ics of the person's feed (of their membership in `mechanism`, if they hold several)."""
    from lianxi.meetings.feed_services import calendar_feed_issue
    from lianxi.organization.access import act_as

    if mechanism is not None:
        act_as(person, Membership.objects.get(user=person, unit__mechanism=mechanism).pk)
    _, token = calendar_feed_issue(user=person)
    response = Client().get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    return body_text(response)


def test_the_second_meetings_calendar_feeds_carry_nothing_of_the_first(
    world, second_clerk, second_liaison, second_gov_reader, second_observer
):
    """The feed is public by its token (excluded above): the token's owner sees their own. The
    auditor and the security administrator have no feed (meetings.access.FEED_ROLES)."""
    for person in (second_clerk, second_liaison, second_gov_reader, second_observer):
        text = _feed_text(person)
        assert not [m for m in markers(world.mechanism) if m in text], (person, text[:2000])


def test_a_person_of_both_meetings_has_a_feed_of_each_that_carries_only_its_meetings(
    world_of_both, two_meetings_person
):
    w = world_of_both
    # In the first the person is the health commission's liaison, invited to its meetings.
    assert w.meeting.title in _feed_text(two_meetings_person, w.mechanism)
    second = _feed_text(two_meetings_person, w.second_mechanism)
    own = _own_names(two_meetings_person)
    assert not [m for m in markers(w.mechanism) if m in second and m not in own], second[:2000]


# --- A person in both joint meetings sees each only when it is chosen -----------------------

SECOND_SECRET = "乙方机密"
SECOND_PERSON = "乙秘书"
SECOND_PHONE = "13900007002"


def _second_world(second_mechanism: Mechanism, second_clerk: Any) -> list[str]:
    def unit(name: str) -> Unit:
        return Unit.objects.get(mechanism=second_mechanism, name=name)

    action_item_create(
        mechanism=second_mechanism,
        title=f"{SECOND_SECRET}督办事项",
        source=ActionItem.Source.GOVERNMENT,
        lead_unit=unit("市卫生健康委"),
        deadline_workdays=30,
        actor=second_clerk,
    )
    user = get_user_model().objects.create_user(username="yi", first_name=SECOND_PERSON)
    Membership.objects.create(user=user, unit=unit("市总工会"), role="liaison", phone=SECOND_PHONE)
    return [SECOND_SECRET, SECOND_PERSON, SECOND_PHONE, second_mechanism.name]


def _choose(client: Client, person: Any, mechanism: Mechanism) -> None:
    membership = Membership.objects.get(user=person, unit__mechanism=mechanism)
    response = client.post("/account/choose/", {"membership": membership.pk, "next": "/"})
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_person_in_two_joint_meetings_sees_each_only_when_it_is_chosen(
    world, second_clerk, two_meetings_person, login
):
    # Their own name is among the first's markers (they are a member there): see _own_names.
    first_markers = [
        m for m in markers(world.mechanism) if m not in _own_names(two_meetings_person)
    ]
    second_markers = _second_world(world.second_mechanism, second_clerk)
    client = login(two_meetings_person)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/choose/")

    pages = {"home": "/", "ledger": "/supervision/", "catalogue": "/units/"}
    expected = {
        # The first: the health commission's liaison (its item is the unit's to lead).
        world.mechanism.pk: {
            "home": world.mechanism.name,
            "ledger": f"{world.item.title}",
            "catalogue": world.person.user.first_name,
        },
        # The second: its secretariat clerk.
        world.second_mechanism.pk: {
            "home": world.second_mechanism.name,
            "ledger": f"{SECOND_SECRET}督办事项",
            "catalogue": SECOND_PERSON,
        },
    }
    for chosen, own, other in (
        (world.mechanism, first_markers, second_markers),
        (world.second_mechanism, second_markers, first_markers),
    ):
        _choose(client, two_meetings_person, chosen)
        for page, path in pages.items():
            response = client.get(path)
            assert response.status_code == 200, (chosen.name, path)
            text = body_text(response)
            assert expected[chosen.pk][page] in text, (chosen.name, page)
            assert not [m for m in other if m in text], (chosen.name, page, own)


# --- Probes of what the sweep cannot see: a write that is allowed, to the wrong effect -------

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_the_second_clerk_cannot_change_the_name_or_e_mail_of_a_person_of_both_meetings(
    second_clerk, two_meetings_person, second_mechanism, login
):
    """Guards organization.people_services.membership_change: the name and e-mail are the
    account's, the same in the first joint meeting (where mail to that address goes too), so the
    second meeting's secretariat, which may edit its own membership of that person, is refused
    them with a Chinese reason on the form."""
    membership = Membership.objects.get(user=two_meetings_person, unit__mechanism=second_mechanism)
    before = (two_meetings_person.first_name, two_meetings_person.email)
    response = login(second_clerk).post(
        f"/units/people/{membership.pk}/",
        {
            "unit": membership.unit_id,
            "role": membership.role,
            "name": "乙方改名",
            "title": "",
            "phone": "",
            "email": "renamed@example.org",
        },
    )
    two_meetings_person.refresh_from_db()
    assert (two_meetings_person.first_name, two_meetings_person.email) == before
    assert response.status_code == 200, response.get("Location")
    errors = re.findall(r'class="error">([^<]+)<', response.content.decode())
    assert [e for e in errors if CHINESE.search(e)], errors


def test_an_idempotency_key_of_the_first_meeting_is_another_incident_in_the_second(
    mechanism, second_mechanism, two_meetings_person
):
    """Guards the incident intake's Idempotency-Key (api/routers/incidents.py, 三(四)2): a key is
    its caller's, and the caller is a token's membership. The same person reporting with the same
    key K through a token of the second joint meeting creates the second meeting's incident
    (201); answering the first meeting's incident instead would show it across meetings and
    lose the second's report."""
    from lianxi.api.tests.test_incidents_api import post, report
    from lianxi.incidents.models import Incident

    _, first_token = api_token_create(
        user=two_meetings_person, name="医院甲", mechanism_name=mechanism.name
    )
    _, second_token = api_token_create(
        user=two_meetings_person, name="医院乙", mechanism_name=second_mechanism.name
    )
    body, key = report(), "sweep-key-0001"
    first = post(bearer(first_token), body, key=key)
    assert first.status_code == 201, first.content.decode()[:500]
    second = post(bearer(second_token), body, key=key)
    assert second.status_code == 201, second.content.decode()[:500]
    assert second.json()["id"] != first.json()["id"]
    incident = Incident.objects.get(pk=second.json()["id"])
    assert incident.mechanism_id == second_mechanism.pk
    assert Incident.objects.get(pk=first.json()["id"]).mechanism_id == mechanism.pk
