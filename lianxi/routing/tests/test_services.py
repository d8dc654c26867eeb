"""Routing writes (二(四)): thesaurus entries, decisions recorded by the domains, the cache."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.organization.models import Duty, Unit
from lianxi.routing import selectors, services
from lianxi.routing.models import RoutingExample, ThesaurusEntry
from lianxi.supervision.services import action_item_create

pytestmark = pytest.mark.django_db


def test_a_thesaurus_entry_takes_effect_at_the_next_matter(mechanism: Any, clerk: Any) -> None:
    """附件: the secretariat extends the thesaurus; the engine merges it with the file."""
    before = selectors.route(mechanism, "厂里的筛沙工老咳嗽")
    assert not before.confident
    services.thesaurus_entry_create(
        mechanism=mechanism, term="筛沙", targets="=石英砂 粉尘", note="本地说法", actor=clerk
    )
    after = selectors.route(mechanism, "厂里的筛沙工老咳嗽")
    assert after.confident
    assert any("筛沙→" in w for u in after.units for d in u.duties for w in d.matched)
    assert AuditEvent.objects.filter(action="routing.thesaurus_add").exists()


@pytest.mark.parametrize(
    ("term", "targets", "message"),
    [
        ("", "尘肺", "请填写词语"),
        ("矽 肺", "尘肺", "不含空格"),
        ("矽肺病", "", "请填写它指向的词语"),
        ("矽肺病", "矽肺病", "不能指向它自己"),
    ],
)
def test_bad_thesaurus_entries_are_refused_in_chinese(
    mechanism: Any, clerk: Any, term: str, targets: str, message: str
) -> None:
    with pytest.raises(ApplicationError, match=message):
        services.thesaurus_entry_create(
            mechanism=mechanism, term=term, targets=targets, actor=clerk
        )
    assert not ThesaurusEntry.objects.exists()


def test_the_thesaurus_service_refuses_control_characters(mechanism: Any, clerk: Any) -> None:
    """Issue 17 (text at one boundary): any caller, not only the page's form."""
    with pytest.raises(ApplicationError, match="含有不能保存的"):
        services.thesaurus_entry_create(
            mechanism=mechanism, term="矽\x00肺", targets="尘肺", note="x", actor=clerk
        )
    with pytest.raises(ApplicationError, match="含有不能保存的"):
        services.thesaurus_entry_create(
            mechanism=mechanism, term="矽肺", targets="尘肺", note="x\x1b", actor=clerk
        )
    assert not ThesaurusEntry.objects.exists()


def test_a_term_can_be_added_once(mechanism: Any, clerk: Any) -> None:
    services.thesaurus_entry_create(mechanism=mechanism, term="筛沙", targets="粉尘", actor=clerk)
    with pytest.raises(ApplicationError, match="已在同义词表中"):
        services.thesaurus_entry_create(
            mechanism=mechanism, term="筛沙", targets="矽尘", actor=clerk
        )


def test_a_correction_replaces_the_decision_of_the_same_source(
    mechanism: Any, clerk: Any, unit_named: Callable[[str], Unit]
) -> None:
    """二(四): one example per real matter; the secretariat's correction replaces it."""
    hrss, union = unit_named("市人力资源和社会保障局"), unit_named("市总工会")
    services.routing_example_record(
        text="尘肺病农民工集体维权", lead_unit=hrss, supporting_units=[union],
        source_key="test:1", actor=clerk,
    )  # fmt: skip
    services.routing_example_record(
        text="尘肺病农民工集体维权", lead_unit=union, supporting_units=[hrss, union],
        source_key="test:1", actor=clerk,
    )  # fmt: skip
    example = RoutingExample.objects.get()
    assert example.lead_unit == union
    assert list(example.supporting_units.all()) == [hrss]
    assert AuditEvent.objects.filter(action="routing.example_correct").count() == 1
    assert (
        services.routing_example_record(
            text="  ", lead_unit=union, source_key="test:2", actor=clerk
        )
        is None
    )


def test_creating_an_action_item_teaches_routing(
    mechanism: Any, clerk: Any, unit_named: Callable[[str], Unit]
) -> None:
    """四(二), 二(四): the lead and supporting units set on an action item become an example,
    and the next similar matter follows it."""
    union = unit_named("市总工会")
    text = "一批尘肺病农民工要维权"
    assert selectors.route(mechanism, text).lead.name == "市人力资源和社会保障局"  # type: ignore[union-attr]
    item = action_item_create(
        mechanism=mechanism,
        title="尘肺病农民工集体维权",
        source="letter",
        lead_unit=union,
        supporting_units=[unit_named("市人力资源和社会保障局")],
        deadline_workdays=10,
        actor=clerk.membership,
    )
    example = RoutingExample.objects.get(source_key=f"supervision.action_item:{item.pk}")
    assert example.lead_unit == union
    assert selectors.route(mechanism, text).lead.name == "市总工会"  # type: ignore[union-attr]


def test_the_index_is_rebuilt_when_duties_change(mechanism: Any) -> None:
    """附件: a revised duty shows at the next route; otherwise the loaded index is reused."""
    first = selectors.router_for(mechanism)
    assert selectors.router_for(mechanism) is first
    unit = Unit.objects.get(mechanism=mechanism, name="市科技局")
    duty = Duty.objects.get(unit=unit)
    Duty.objects.filter(pk=duty.pk).update(valid_to=timezone.now())
    Duty.objects.create(
        unit=unit, number=1, text="负责职业健康领域的无人机巡检技术推广。",
        valid_from=timezone.now(), source=duty.source,
    )  # fmt: skip
    assert selectors.router_for(mechanism) is not first
    assert selectors.route(mechanism, "无人机巡检").lead.name == "市科技局"  # type: ignore[union-attr]


def test_a_cold_load_routes_like_a_warm_one(mechanism: Any) -> None:
    """二(四): the index loaded cold (dictionary, thesaurus and duties re-read) routes the same
    matters to the same units as the cached one. Its speed is `make bench`'s routing figures."""
    from lianxi import chinese_text
    from lianxi.routing import engine

    texts = ["工人血铅超标，厂里一直不管", "家里因病致贫", "工地粉尘大"]
    warm = [selectors.route(mechanism, text).lead for text in texts]
    engine._tokenizer.cache_clear()
    chinese_text.general_words.cache_clear()
    selectors.clear_cache()
    assert [selectors.route(mechanism, text).lead for text in texts] == warm
    assert all(lead is not None for lead in warm)
