"""`make bench` (`python -m bench.run` from the repository root): page timings on SQLite and on
PostgreSQL, one JSON object per figure per line.

Each figure: {"name", "database", "n", "median_ms", "p95_ms", "items", "queries"}. The trivial
view `/healthz` is measured in the same run, before and after, as the framework's floor. The home
page and the supervision ledger are measured with 100 and with 10,000 action items; their query
counts must not change between the two. Timings go through Django's
full middleware stack in-process (no network), after a warm-up.

Incidents (三(四)2): `incident_intake` — 200 sequential POSTs to /api/v1/incidents in-process;
`incident_intake_concurrent` — 200 incidents over real HTTP on loopback from 16 threads, half of
them retried with the same Idempotency-Key (both with `per_second`); `incident_fanout_15_units` —
from notifying all 15 member units to the last of their members' and liaisons' mails received by
a real SMTP server on loopback (aiosmtpd), the worker's dispatch run in-process (aim: ≤ 5 s).
"""

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Each database runs in a fresh process, started from the repository root so that `bench` is
# importable there whatever directory `make bench` was called from.
ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("LIANXI_BENCH_ROUNDS", "200"))
PG_URL = os.environ.get("LIANXI_BENCH_PG", "postgres://postgres@127.0.0.1:5432/lianxi_bench")


def _time(client: Any, path: str, rounds: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # Counted at once: a reconnect later clears the connection's query log.
    queries = len(captured)
    assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], queries


def _emit(
    name: str, database: str, rounds: int, figures: tuple[float, float, int], items: int
) -> None:
    median, p95, queries = figures
    print(
        json.dumps(
            {
                "name": name,
                "database": database,
                "n": rounds,
                "median_ms": round(median, 2),
                "p95_ms": round(p95, 2),
                "items": items,
                "queries": queries,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def _seed_action_items(total: int, user: Any) -> None:
    """Grows the ledger to `total` items, spread over units, sources, deadlines and states."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from lianxi.organization.models import Unit
    from lianxi.supervision.models import ActionItem

    have = ActionItem.objects.count()
    if have >= total:
        return
    rng = random.Random(total)
    units = list(Unit.objects.filter(kind="member"))
    today = timezone.localdate()
    sources = [choice for choice, _ in ActionItem.Source.choices]
    batch = []
    for n in range(have, total):
        deadline = today + timedelta(days=rng.randint(-60, 120))
        closed = rng.random() < 0.3
        batch.append(
            ActionItem(
                mechanism=units[0].mechanism,
                title=f"督办事项第{n + 1}项：落实职业病防治重点任务",
                source=sources[n % len(sources)],
                source_label="基准测试",
                lead_unit=units[n % len(units)],
                deadline=deadline,
                original_deadline=deadline,
                status=ActionItem.Status.CLOSED if closed else ActionItem.Status.OPEN,
                closed_at=timezone.now() if closed else None,
                closed_on_time=rng.random() < 0.8 if closed else None,
                created_by=user,
            )
        )
    ActionItem.objects.bulk_create(batch, batch_size=1000)
    through = ActionItem.supporting_units.through
    links = [
        through(actionitem_id=item_id, unit_id=units[(item_id + 3) % len(units)].pk)
        for item_id in ActionItem.objects.order_by("id").values_list("id", flat=True)[have:total]
    ]
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)


# --- Incidents (三(四)2): API intake throughput and fan-out of notices to the 15 units ---------

INCIDENT_REQUESTS = int(os.environ.get("LIANXI_BENCH_INCIDENTS", "200"))
INTAKE_THREADS = 16
FANOUT_ROUNDS = int(os.environ.get("LIANXI_BENCH_FANOUT_ROUNDS", "5"))
FANOUT_AIM_SECONDS = 5.0


def _emit_figure(name: str, database: str, samples: list[float], items: int, **extra: Any) -> None:
    samples = sorted(samples)
    figure = {
        "name": name,
        "database": database,
        "n": len(samples),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "items": items,
        **extra,
    }
    print(json.dumps(figure, ensure_ascii=False), flush=True)


def _incident_report(n: int) -> bytes:
    from datetime import timedelta

    from django.utils import timezone

    from lianxi.incidents.credit_code import check_character

    now = timezone.now()
    code = f"91411500MA3X{n % 50:05d}"
    return json.dumps(
        {
            "title": f"基准测试事故第{n + 1}起",
            "occurred_at": (now - timedelta(hours=2)).isoformat(),
            "first_reported_at": (now - timedelta(hours=1)).isoformat(),
            "location": f"平桥区工业园区{n + 1}号",
            "enterprise": {
                "name": f"信阳第{n % 50 + 1}化工有限公司",
                "credit_code": code + check_character(code),
                "county": "平桥区",
            },
            "hazard": "chemical",
            "substance": "一氧化碳",
            "exposed_count": 20,
            "poisoned_count": n % 15,
            "death_count": 0,
        },
        ensure_ascii=False,
    ).encode()


def _bench_intake_sequential(token: str, database: str) -> None:
    """N sequential POSTs through the full stack in-process: ms per request and incidents/s."""
    import uuid

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Authorization": f"Bearer {token}"})
    run = uuid.uuid4().hex[:8]

    def post(n: int) -> Any:
        return client.post(
            "/api/v1/incidents",
            _incident_report(n),
            content_type="application/json",
            headers={"Idempotency-Key": f"bench-seq-{run}-{n}"},
        )

    with CaptureQueriesContext(connection) as queries:
        assert post(-1).status_code == 201
    query_count = len(queries)  # now: later requests reset the connection's query log
    samples = []
    started = time.perf_counter()
    for n in range(INCIDENT_REQUESTS):
        start = time.perf_counter()
        response = post(n)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 201, response.content[:300]
    total = time.perf_counter() - started
    _emit_figure(
        "incident_intake",
        database,
        samples,
        INCIDENT_REQUESTS,
        mode="sequential",
        per_second=round(INCIDENT_REQUESTS / total, 1),
        queries=query_count,
    )


def _bench_intake_concurrent(token: str, database: str) -> None:
    """N POSTs over real HTTP on loopback from 16 threads, half of them retried with the same
    Idempotency-Key: incidents/s, and no request may fail."""
    import threading
    import urllib.error
    import urllib.request
    import uuid
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor
    from wsgiref.simple_server import WSGIRequestHandler

    from django.conf import settings
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.core.wsgi import get_wsgi_application

    from lianxi.incidents.models import Incident

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    settings.ALLOWED_HOSTS.append("127.0.0.1")
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/v1/incidents"
    run = uuid.uuid4().hex[:8]
    keys = [f"bench-conc-{run}-{n}" for n in range(INCIDENT_REQUESTS)]
    bodies = {key: _incident_report(n) for n, key in enumerate(keys)}
    # Every other key is posted twice, the two requests side by side in different threads.
    requests = [key for n, key in enumerate(keys) for _ in range(2 if n % 2 else 1)]
    samples: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def post(key: str) -> None:
        request = urllib.request.Request(
            url,
            data=bodies[key],
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                status = response.status
                response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            samples.append(elapsed)
            statuses[status] += 1

    before = Incident.objects.count()
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=INTAKE_THREADS) as pool:
            list(pool.map(post, requests))
    finally:
        total = time.perf_counter() - started
        server.shutdown()
        server.server_close()
    created = Incident.objects.count() - before
    assert created == INCIDENT_REQUESTS, (created, statuses)
    assert statuses == {201: INCIDENT_REQUESTS, 200: len(requests) - INCIDENT_REQUESTS}, statuses
    _emit_figure(
        "incident_intake_concurrent",
        database,
        samples,
        INCIDENT_REQUESTS,
        mode=f"{INTAKE_THREADS} threads, HTTP on loopback",
        requests=len(requests),
        retried=len(requests) - INCIDENT_REQUESTS,
        per_second=round(INCIDENT_REQUESTS / total, 1),
        statuses={str(k): v for k, v in sorted(statuses.items())},
    )


def _bench_fanout(user: Any, database: str) -> None:
    """Notify all 15 member units of an incident and deliver by e-mail to a real SMTP server on
    loopback (aiosmtpd), the worker's dispatch run in this process: time from the notify call to
    the last of the units' mails received (each unit's member and liaison: 30 mails)."""
    import email
    import email.policy
    import logging
    import socket
    import threading
    from datetime import timedelta

    from aiosmtpd.controller import Controller
    from django.contrib.auth import get_user_model
    from django.test import override_settings
    from django.utils import timezone

    from lianxi.incidents import services
    from lianxi.incidents.credit_code import check_character
    from lianxi.notifications.services import deliveries_dispatch
    from lianxi.organization.models import Membership, Unit

    class Recorder:
        def __init__(self) -> None:
            self.lock = threading.Lock()
            self.received: list[tuple[str, str]] = []
            self.expected = 0
            self.done = threading.Event()

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with self.lock:
                for rcpt in envelope.rcpt_tos:
                    self.received.append((rcpt, str(parsed["Message-ID"])))
                if len(self.received) >= self.expected:
                    self.done.set()
            return "250 2.0.0 OK"

    units = list(Unit.objects.filter(kind=Unit.Kind.MEMBER, active=True).order_by("order"))
    people = get_user_model().objects
    for unit in units:
        for role in (Membership.Role.LIAISON, Membership.Role.MEMBER):
            username = f"bench-{role}-{unit.pk}"
            if not people.filter(username=username).exists():
                person = people.create_user(
                    username=username, email=f"{username}@example.org", first_name=unit.name
                )
                Membership.objects.create(user=person, unit=unit, role=role)
    unit_roles = (Membership.Role.LIAISON, Membership.Role.MEMBER)
    people_of_units = Membership.objects.filter(unit__in=units, role__in=unit_roles, active=True)
    mails = people_of_units.exclude(user__email="").count()

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    actor = user.membership
    code = "91411502MA4000000"
    samples: list[float] = []
    try:
        with override_settings(MAILERS=mailers):
            for n in range(FANOUT_ROUNDS):
                now = timezone.now()
                incident, _ = services.incident_register(
                    mechanism=actor.unit.mechanism,
                    data=services.IncidentInput(
                        title=f"基准测试：某矿山企业硫化氢中毒事故（第{n + 1}次）",
                        occurred_at=now - timedelta(hours=1),
                        first_reported_at=now - timedelta(minutes=30),
                        location="浉河区某矿山井下作业面",
                        enterprise_name="信阳某矿业有限公司",
                        credit_code=code + check_character(code),
                        industry="非煤矿山",
                        hazard="chemical",
                        substance="硫化氢",
                        exposed_count=40,
                        poisoned_count=12,
                        death_count=1,
                    ),
                    actor=actor,
                )
                with recorder.lock:
                    recorder.received.clear()
                    recorder.expected = mails
                    recorder.done.clear()
                start = time.perf_counter()
                services.incident_notify(incident=incident, units=units, actor=actor)
                while not recorder.done.is_set():
                    if time.perf_counter() - start > 60:
                        got = len(recorder.received)
                        raise AssertionError(f"fan-out incomplete: {got}/{mails}")
                    if not deliveries_dispatch(worker_id="bench").ids:
                        recorder.done.wait(0.01)
                samples.append((time.perf_counter() - start) * 1000)
                with recorder.lock:
                    assert len(set(recorder.received)) == len(recorder.received) == mails
    finally:
        controller.stop()
    _emit_figure(
        "incident_fanout_15_units",
        database,
        samples,
        len(units),
        mails=mails,
        max_ms=round(max(samples), 2),
        within_aim=max(samples) <= FANOUT_AIM_SECONDS * 1000,
        aim_ms=int(FANOUT_AIM_SECONDS * 1000),
    )


def _bench_incidents(user: Any, database: str) -> None:
    from lianxi.api.services import api_token_create

    _, token = api_token_create(user=user, name="基准测试")
    _bench_intake_sequential(token, database)
    _bench_intake_concurrent(token, database)
    _bench_fanout(user, database)


# --- Search (二(四), annex): one query over 100,000 indexed records ----------------------------

SEARCH_RECORDS = int(os.environ.get("LIANXI_BENCH_SEARCH", "100000"))
SEARCH_ROUNDS = int(os.environ.get("LIANXI_BENCH_SEARCH_ROUNDS", "20"))
# From one word to three, narrow to broad: 粉尘 is in about one record in six.
SEARCH_QUERIES = ["矽尘", "噪声 专项治理", "苯 职业健康检查", "浉河区 石材", "粉尘", "铅烟 蓄电池"]


def _spaced(words: str) -> list[str]:
    return words.split()


def _seed_search_index(total: int, user: Any) -> None:
    """`total` action items (real rows, so that the access subqueries work on real tables) and
    their index rows bulk-inserted directly, with varied texts segmented once per distinct
    text; the other kinds are indexed by the ordinary rebuild."""
    import random

    from django.utils import timezone

    from lianxi.search import text
    from lianxi.search.models import SearchDocument
    from lianxi.search.services import search_index_rebuild
    from lianxi.supervision.models import ActionItem

    _seed_action_items(total, user)
    search_index_rebuild(kinds=["unit", "duty", "clause", "meeting", "minutes", "incident"])
    SearchDocument.objects.filter(kind="action_item").delete()
    rng = random.Random(total)
    # A vocabulary as wide as the record's: hazard factors of the national catalogue,
    # industries, kinds of work, the counties, and each record's own enterprise.
    counties = ["浉河区", "平桥区", "罗山县", "光山县", "新县", "商城县", "固始县", "潢川县"]
    trades = _spaced(
        "矿山 石材加工 化工 电子制造 家具制造 建筑施工 医疗机构 铸造 水泥 陶瓷 纺织 制鞋 印刷 "
        "汽车维修 电镀 蓄电池 冶炼 木材加工 食品加工 制药 塑料制品 橡胶制品 造船 机械加工 "
        "玻璃 农药 油漆 焦化 皮革 危废处置"
    )
    hazards = _spaced(
        "矽尘 煤尘 石棉粉尘 水泥粉尘 电焊烟尘 木粉尘 苯 甲苯 二甲苯 正己烷 铅烟 汞 锰 镉 铬 砷 "
        "一氧化碳 硫化氢 氯气 氨 甲醛 二氯乙烷 三氯乙烯 噪声 高温 手传振动 紫外辐射 激光 "
        "X射线 放射性物质 布鲁氏菌 炭疽 森林脑炎 有机磷 氰化物"
    )
    tasks = _spaced(
        "专项治理 尘肺病筛查 职业健康检查 监督执法 宣传培训 危害申报 工伤保险扩面 应急演练 "
        "检测评价 防护设施验收 职业病诊断 医疗救助 劳动合同检查 信息化建设 质量控制 帮扶"
    )
    tokens: dict[str, str] = {}

    def segmented(value: str) -> str:
        if value not in tokens:
            tokens[value] = text.tokens_of(value)
        return tokens[value]

    now = timezone.now()
    items = ActionItem.objects.order_by("id").values_list("id", "lead_unit_id", "created_at")
    batch = []
    for item_id, lead_id, created in items[:total].iterator(chunk_size=5000):
        place, trade, hazard = rng.choice(counties), rng.choice(trades), rng.choice(hazards)
        title = f"{place}{trade}企业{hazard}{rng.choice(tasks)}"
        body = (
            f"督促信阳第{item_id % 5000}{trade}有限公司落实{hazard}、{rng.choice(hazards)}"
            f"防护措施，开展{rng.choice(tasks)}，按期反馈进展。"
        )
        batch.append(
            SearchDocument(
                kind="action_item", object_id=item_id, title=title, body=body,
                url=f"/supervision/{item_id}/", title_tokens=segmented(title),
                tokens=segmented(body), date=timezone.localdate(created),
                units=f" {lead_id} ", indexed_at=now,
            )
        )  # fmt: skip
        if len(batch) >= 2000:
            SearchDocument.objects.bulk_create(batch)
            batch = []
    SearchDocument.objects.bulk_create(batch)


def _bench_search(user: Any, database: str) -> None:
    """Median time of one search (counts per kind, the first page, snippets) over
    `SEARCH_RECORDS` records, as the secretariat (sees all) and as a unit's liaison."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lianxi.organization.models import Membership
    from lianxi.search.models import SearchDocument
    from lianxi.search.selectors import search

    _seed_search_index(SEARCH_RECORDS, user)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
            cursor.execute("ANALYZE supervision_actionitem")
    indexed = SearchDocument.objects.count()
    liaison = Membership.objects.filter(role=Membership.Role.LIAISON, active=True).first()
    searchers = [("search_query", user)]
    if liaison is not None:
        searchers.append(("search_query_unit", liaison.user))
    for name, searcher in searchers:
        for q in SEARCH_QUERIES:
            search(searcher, q)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            search(searcher, SEARCH_QUERIES[0])
        queries = len(captured)
        samples = []
        for _ in range(SEARCH_ROUNDS):
            for q in SEARCH_QUERIES:
                start = time.perf_counter()
                search(searcher, q)
                samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        figures = (statistics.median(samples), samples[int(len(samples) * 0.95) - 1], queries)
        _emit(name, database, len(samples), figures, indexed)


# --- Routing (二(四), annex): loading the index, and one matter routed ------------------------

ROUTING_LOAD_ROUNDS = int(os.environ.get("LIANXI_BENCH_ROUTING_LOADS", "5"))


def _bench_routing(database: str) -> None:
    """`routing_load`: ms to load jieba's dictionary, the thesaurus and the duty index from the
    database (cold: nothing cached); `routing_route`: ms per matter once loaded, over the
    labelled evaluation matters, through the selector (with its version check)."""
    from lianxi import chinese_text
    from lianxi.organization.models import Unit
    from lianxi.routing import engine, selectors
    from lianxi.routing.eval import load_matters

    mechanism = Unit.objects.filter(kind="member").first().mechanism  # type: ignore[union-attr]
    loads = []
    for _ in range(ROUTING_LOAD_ROUNDS):
        engine._tokenizer.cache_clear()
        chinese_text.general_words.cache_clear()
        selectors.clear_cache()
        start = time.perf_counter()
        selectors.router_for(mechanism)
        loads.append((time.perf_counter() - start) * 1000)
    units = len(selectors.router_for(mechanism).units)
    _emit_figure("routing_load", database, loads, units, aim_ms=2000)
    texts = [m.text for m in load_matters()]
    samples = []
    for _ in range(max(ROUNDS // len(texts), 2)):
        for text in texts:
            start = time.perf_counter()
            selectors.route(mechanism, text)
            samples.append((time.perf_counter() - start) * 1000)
    _emit_figure("routing_route", database, samples, len(texts), aim_ms=50)


# --- Typesetting: the minutes as .docx and as PDF (the files that leave the machine) ----------

TYPESET_ROUNDS = int(os.environ.get("LIANXI_BENCH_TYPESET_ROUNDS", "5"))


def _bench_typesetting(database: str) -> None:
    """`minutes_docx` / `minutes_pdf`: ms to typeset the three-page sample minutes of the
    typesetting tests (aims: 10 s and 30 s, the limits the tests once timed)."""
    import logging

    from lianxi.typesetting.docx_render import render_minutes_docx
    from lianxi.typesetting.pdf_render import render_minutes_pdf
    from lianxi.typesetting.tests.samples import plenary_minutes

    # WeasyPrint reports each step of each render at INFO: not figures.
    for logger in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(logger).setLevel(logging.WARNING)
    document = plenary_minutes(extra_paragraphs=3)
    from lianxi.typesetting.official_docx import render_official_docx
    from lianxi.typesetting.official_pdf import render_official_pdf
    from lianxi.typesetting.tests.official_samples import joint_plan

    joint = joint_plan(organs=4, extra=22)  # a 6-page joint 方案 of four organs, sealed
    renders: tuple[tuple[str, Any, int, Any], ...] = (
        ("minutes_docx", render_minutes_docx, 10_000, document),
        ("minutes_pdf", render_minutes_pdf, 30_000, document),
        ("official_docx", render_official_docx, 10_000, joint),
        ("official_pdf", render_official_pdf, 30_000, joint),
    )
    for name, render, aim_ms, subject in renders:
        render(subject)
        samples = []
        for _ in range(TYPESET_ROUNDS):
            start = time.perf_counter()
            render(subject)
            samples.append((time.perf_counter() - start) * 1000)
        _emit_figure(name, database, samples, 1, aim_ms=aim_ms)


# --- Documents (三(二)): comparing two versions of a joint draft ------------------------------

DIFF_PARAGRAPHS = 200
DIFF_CHANGES = 20


def _bench_document_diff(database: str) -> None:
    """`document_diff`: ms to compare two 200-paragraph versions of a body with 20 changes
    (10 paragraphs edited, 5 removed, 5 added), words marked; jieba loaded before."""
    import random

    from lianxi.documents.diff import diff_summary, paragraph_diff

    rng = random.Random(DIFF_PARAGRAPHS)
    sentences = [
        "各成员单位要按照职责分工，落实职业健康监督管理职责，开展职业病危害专项治理。",
        "市卫生健康委负责联席会议的日常工作，督促各项议定事项的落实。",
        "推动职业病防治知识进企业、进学校、进社区，提高劳动者的防护意识。",
        "加强放射诊疗许可的监督检查，规范放射工作人员个人剂量监测。",
    ]
    old = [
        f"（{i + 1}）{rng.choice(sentences)}第{i + 1}项任务于2024年{i % 12 + 1}月底前完成。"
        for i in range(DIFF_PARAGRAPHS)
    ]
    new = list(old)
    for k in range(DIFF_CHANGES // 2):
        i = 10 + k * 19
        new[i] = new[i].replace("落实", "全面落实").replace("加强", "进一步加强")
        new[i] = new[i].replace("推动", "深入推动").replace("负责", "牵头负责")
    for k in range(DIFF_CHANGES // 4):
        del new[15 + k * 37]
    for k in range(DIFF_CHANGES // 4):
        new.insert(20 + k * 35, f"建立第{k + 1}批重点行业用人单位台账，实行动态管理。")
    summary = diff_summary(paragraph_diff(old, new))
    samples = []
    for _ in range(max(ROUNDS // 4, 20)):
        start = time.perf_counter()
        paragraph_diff(old, new)
        samples.append((time.perf_counter() - start) * 1000)
    _emit_figure("document_diff", database, samples, DIFF_PARAGRAPHS, **summary)


# --- Documents (四(六)): 发文字号 taken by many clerks at once -------------------------------

NUMBER_DOCUMENTS = int(os.environ.get("LIANXI_BENCH_NUMBER_DOCUMENTS", "1000"))
NUMBER_THREADS = 16


def _issue_concurrently(user: Any, pks: list[int], issue_one: Any) -> tuple[list[float], float]:
    """Calls `issue_one(clerk, pk)` for every pk from NUMBER_THREADS threads released together,
    each thread with its own connection and its own copy of the clerk's membership; returns the
    milliseconds of each call and the seconds of the whole."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.auth import get_user_model
    from django.db import connection

    from lianxi.organization.access import membership_of

    samples: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(NUMBER_THREADS)

    def issue(chunk: list[int]) -> None:
        try:
            clerk = membership_of(get_user_model().objects.get(pk=user.pk))
            assert clerk is not None
            start.wait()
            for pk in chunk:
                began = time.perf_counter()
                issue_one(clerk, pk)
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    samples.append(elapsed)
        finally:
            connection.close()

    chunks = [pks[i::NUMBER_THREADS] for i in range(NUMBER_THREADS)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=NUMBER_THREADS) as pool:
        for future in [pool.submit(issue, chunk) for chunk in chunks]:
            future.result()
    return samples, time.perf_counter() - started


def _bench_document_numbers(user: Any, database: str) -> None:
    """`document_numbers`: 1,000 issue requests for 1,000 documents from 16 threads, each with its
    own connection, through the real `document_issue`; the numbers must be exactly 1..1,000 (no
    duplicate, no gap); ms per issue and issues/s."""

    from lianxi.documents.models import IssuedNumber, OfficialDocument
    from lianxi.documents.services import document_create, document_issue, register_create
    from lianxi.organization.access import membership_of

    actor = membership_of(user)
    assert actor is not None
    register = register_create(actor=actor, unit=actor.unit, prefix="信卫基准")
    body = ["为做好职业病防治工作，现将有关事项通知如下。", "一、工作要求", "请认真落实。"]
    documents = [
        document_create(actor=actor, kind="通知", title=f"基准测试通知{n}", paragraphs=body).pk
        for n in range(NUMBER_DOCUMENTS)
    ]
    samples, total = _issue_concurrently(
        user,
        documents,
        lambda clerk, pk: document_issue(actor=clerk, document=OfficialDocument.objects.get(pk=pk)),
    )
    serials = sorted(
        IssuedNumber.objects.filter(register=register).values_list("serial", flat=True)
    )
    assert serials == list(range(1, NUMBER_DOCUMENTS + 1)), "numbers with a duplicate or a gap"
    _emit_figure(
        "document_numbers",
        database,
        samples,
        NUMBER_DOCUMENTS,
        mode=f"{NUMBER_THREADS} threads, document_issue",
        numbers=f"1..{serials[-1]}, no duplicate, no gap",
        per_second=round(NUMBER_DOCUMENTS / total, 1),
    )


BRIEFS = 200


def _bench_brief_numbers(user: Any, database: str) -> None:
    """`brief_numbers` (三(四)1): 200 draft briefs issued at once from 16 threads, each with its
    own connection, through the real `brief_issue`; the 期号 must be exactly 1..200 (no
    duplicate, no gap); ms per issue and issues/s."""

    from django.utils import timezone

    from lianxi.bulletins.models import Brief
    from lianxi.bulletins.services import ArticleIn, brief_create, brief_issue
    from lianxi.organization.access import membership_of

    actor = membership_of(user)
    assert actor is not None
    article = [ArticleIn(title="联席会议办公室开展督导", body="各成员单位按季度报送信息。")]
    briefs = [
        brief_create(actor=actor, title=f"基准测试简报{n}", articles=article).pk
        for n in range(BRIEFS)
    ]
    samples, total = _issue_concurrently(
        user,
        briefs,
        lambda clerk, pk: brief_issue(
            actor=clerk, brief=Brief.objects.get(pk=pk), now=timezone.now()
        ),
    )
    numbers = sorted(
        n or 0 for n in Brief.objects.filter(pk__in=briefs).values_list("number", flat=True)
    )
    assert numbers == list(range(1, BRIEFS + 1)), "期号 with a duplicate or a gap"
    _emit_figure(
        "brief_numbers",
        database,
        samples,
        BRIEFS,
        mode=f"{NUMBER_THREADS} threads, brief_issue",
        numbers=f"1..{numbers[-1]}, no duplicate, no gap",
        per_second=round(BRIEFS / total, 1),
    )


ANNUAL_TOPICS = [
    "尘肺病患者救助保障",
    "工伤保险扩面参保",
    "职业健康检查覆盖率",
    "中小微企业职业健康帮扶",
    "职业病防治法宣传周",
    "职业病诊断机构能力建设",
]


def _bench_annual(client: Any, database: str) -> None:
    """四(三): the completeness board, the grouped topics (15 units × 3 proposals, all sent) and
    the 履职情况 of all units, each read by the secretariat; their query counts are fixed."""
    from django.utils import timezone

    from lianxi.annual.models import AnnualSubmission, PartStatus, TopicProposal
    from lianxi.annual.services import cycle_open
    from lianxi.organization.models import Mechanism

    mechanism = Mechanism.objects.get()
    cycle = cycle_open(mechanism=mechanism, year=2027, now=timezone.now())
    submissions = list(AnnualSubmission.objects.filter(cycle=cycle).order_by("id"))
    for n, submission in enumerate(submissions):
        TopicProposal.objects.bulk_create(
            TopicProposal(
                submission=submission,
                order=k,
                title=f"关于{ANNUAL_TOPICS[(n + k) % len(ANNUAL_TOPICS)]}的议题建议（{n}-{k}）",
            )
            for k in range(3)
        )
    AnnualSubmission.objects.filter(cycle=cycle).update(
        summary="2026年工作总结。",
        summary_status=PartStatus.SENT,
        topics_status=PartStatus.SENT,
        completed_at=timezone.now(),
    )
    units = len(submissions)
    rounds = max(ROUNDS // 4, 20)
    _emit("annual_board", database, rounds, _time(client, "/annual/2027/", rounds), units)
    _emit(
        "annual_topics", database, rounds, _time(client, "/annual/2027/topics/", rounds), units * 3
    )
    # The record aggregates every action item the year had in hand (the search bench's 100,000
    # and the ledger's 10,100, all of this year): its items are those rows, not the 15 units.
    from lianxi.supervision.models import ActionItem

    record = _time(client, f"/annual/record/{timezone.localdate().year}/", rounds)
    _emit("annual_record", database, rounds, record, ActionItem.objects.count())


def run_one() -> None:
    """Runs inside a process whose environment names the database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LIANXI_LOCKOUT_ENABLED"] = "0"
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    from lianxi.organization.models import Clause, Duty

    # Keep one connection across requests, as a server with persistent connections does, and
    # so the query log (cleared on every reconnect) can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("setup", username="bench", stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = get_user_model().objects.get(username="bench")
    # The first account must change its printed password before any page (issue 17): done once
    # through the service, as the person would on the page.
    from lianxi.core.password_services import password_change

    password_change(actor=user, new_password=secrets.token_urlsafe(16) + "aA1!")
    client = Client()
    client.force_login(user)
    database = connection.vendor
    settings.ALLOWED_HOSTS.append("testserver")
    duties = Duty.objects.filter(valid_to__isnull=True).count()
    clauses = Clause.objects.count()
    for name, path, items in (
        ("trivial_view", "/healthz", 0),
        ("duty_catalogue", "/units/", duties),
        ("rules_page", "/units/rules/", clauses),
    ):
        _emit(name, database, ROUNDS, _time(client, path, ROUNDS), items)
    for total in (100, 10_000):
        _seed_action_items(total, user)
        rounds = ROUNDS if total <= 100 else max(ROUNDS // 4, 20)
        _emit("home_page", database, rounds, _time(client, "/", rounds), total)
        _emit("ledger", database, rounds, _time(client, "/supervision/", rounds), total)
    _bench_incidents(user, database)
    _bench_routing(database)
    _bench_search(user, database)
    _bench_typesetting(database)
    _bench_document_diff(database)
    _bench_document_numbers(user, database)
    _bench_brief_numbers(user, database)
    _bench_annual(client, database)
    _emit("trivial_view", database, ROUNDS, _time(client, "/healthz", ROUNDS), 0)


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(
            "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as conn:
            conn.execute("DROP DATABASE IF EXISTS lianxi_bench")
            conn.execute("CREATE DATABASE lianxi_bench")
        return True
    except Exception as exc:
        print(f"PostgreSQL 不可用，跳过：{exc}", file=sys.stderr)
        return False


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        run_one()
        return 0
    failures = 0
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "LIANXI_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        one = [sys.executable, "-m", "bench.run", "--one"]
        failures += subprocess.call(one, env=env, cwd=ROOT)
        if _pg_available():
            env["DATABASE_URL"] = PG_URL
            failures += subprocess.call(one, env=env, cwd=ROOT)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
