"""Dates as officials write them (issue 18, "Pages"): "2026年12月3日", never "12月03日" or ISO."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template

from lianxi.core.dates import cn_date, cn_datetime, cn_month_day, cn_time

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_dates_have_no_zero_padding_and_no_iso() -> None:
    assert cn_date(dt.date(2026, 12, 3)) == "2026年12月3日"
    assert cn_date(dt.date(2027, 3, 31)) == "2027年3月31日"
    assert cn_month_day(dt.date(2026, 12, 3)) == "12月3日"
    assert cn_datetime(dt.datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)) == "2026年12月3日 9:00"
    assert cn_datetime(dt.date(2026, 12, 3)) == "2026年12月3日"
    assert cn_time(dt.time(14, 5)) == "14:05"


def test_aware_times_are_shown_in_local_time() -> None:
    # 2026-12-02 17:30 UTC is 2026-12-03 01:30 in Asia/Shanghai: the local date counts.
    moment = dt.datetime(2026, 12, 2, 17, 30, tzinfo=UTC)
    assert cn_date(moment) == "2026年12月3日"
    assert cn_datetime(moment) == "2026年12月3日 1:30"
    assert cn_month_day(moment) == "12月3日"


def test_none_is_empty_so_default_applies() -> None:
    assert cn_date(None) == "" and cn_datetime(None) == "" and cn_month_day(None) == ""


def test_template_filters() -> None:
    template = Template(
        "{% load cn_dates %}{{ d|cn_date }}|{{ m|cn_datetime }}|{{ d|cn_month_day }}|"
        "{{ none|cn_date|default:'—' }}"
    )
    moment = dt.datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
    out = template.render(Context({"d": dt.date(2026, 12, 3), "m": moment, "none": None}))
    assert out == "2026年12月3日|2026年12月3日 9:00|12月3日|—"
