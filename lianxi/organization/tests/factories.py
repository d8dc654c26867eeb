"""Builds a joint meeting like Xinyang's without going through the importer."""

import hashlib

from django.utils import timezone

from lianxi.core.numbering import chinese_numeral
from lianxi.organization.models import Duty, Mechanism, RulesDocument, Unit

MEMBER_UNITS = [
    ("市卫生健康委", 12),
    ("市发展改革委", 4),
    ("市教育体育局", 4),
    ("市科技局", 1),
    ("市工业和信息化局", 1),
    ("市民政局", 1),
    ("市财政局", 2),
    ("市人力资源和社会保障局", 8),
    ("市生态环境局", 3),
    ("市住房和城乡建设局", 1),
    ("市应急管理局", 1),
    ("市市场监督管理局", 2),
    ("市医保局", 1),
    ("市总工会", 8),
    ("市委宣传部", 1),
]


def make_mechanism(name: str = "信阳市职业病防治工作部门间联席会议") -> Mechanism:
    mechanism = Mechanism.objects.create(name=name, short_name="联席会议")
    text = "测试用工作规则"
    document = RulesDocument.objects.create(
        mechanism=mechanism,
        document_number="信卫职健〔2023〕5号",
        issuer="信阳市卫生健康委员会",
        title="信阳市职业病防治工作部门间联席会议制度工作规则",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    now = timezone.now()
    for order, (unit_name, duty_count) in enumerate(MEMBER_UNITS, start=1):
        unit = Unit.objects.create(
            mechanism=mechanism,
            name=unit_name,
            order=order,
            is_secretariat=unit_name == "市卫生健康委",
        )
        for n in range(1, duty_count + 1):
            Duty.objects.create(
                unit=unit,
                number=n,
                label=f"（{chinese_numeral(n)}）" if duty_count > 1 else "",
                text=f"{unit_name}的第{n}项职责",
                valid_from=now,
                source=document,
            )
    Unit.objects.create(
        mechanism=mechanism, name="市政府办公室", kind=Unit.Kind.GOVERNMENT, order=100
    )
    return mechanism


def give_annex_duties(mechanism: Mechanism) -> Mechanism:
    """Replaces the placeholder duty texts with those of the rules file the platform ships, for
    tests that route matters by the annex's real words."""
    from pathlib import Path

    from django.conf import settings

    from lianxi.organization.importer import parse_rules

    path = Path(settings.LIANXI_DEFAULT_RULES)
    parsed = parse_rules(path.read_bytes(), filename=path.name)
    for unit in parsed.units:
        for duty in unit.duties:
            updated = Duty.objects.filter(
                unit__mechanism=mechanism, unit__name=unit.name, number=duty.number
            ).update(text=duty.text, label=duty.label)
            assert updated == 1, (unit.name, duty.number)
    return mechanism
