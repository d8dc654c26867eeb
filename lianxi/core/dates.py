"""Dates as officials write them: "2026年12月3日", "2026年12月3日 9:00", "12月3日".

No zero padding, no ISO, in local time (Asia/Shanghai). Pages use the template filters of the
same names (``{% load cn_dates %}``); code building text (notices, messages) calls these.
``None`` gives an empty string, so a template's ``|default:"—"`` still applies.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2026年12月3日"""
    if value is None or value == "":
        return ""
    day = _local(value) if isinstance(value, dt.datetime) else value
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month_day(value: dt.date | dt.datetime | None) -> str:
    """12月3日"""
    if value is None or value == "":
        return ""
    day = _local(value) if isinstance(value, dt.datetime) else value
    return f"{day.month}月{day.day}日"


def cn_time(value: dt.datetime | dt.time | None) -> str:
    """9:00 (hour unpadded, minutes padded)."""
    if value is None or value == "":
        return ""
    moment = _local(value) if isinstance(value, dt.datetime) else value
    return f"{moment.hour}:{moment.minute:02d}"


def cn_datetime(value: dt.date | dt.datetime | None) -> str:
    """2026年12月3日 9:00 (a plain date gives the date alone)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return cn_date(value)
    return f"{cn_date(value)} {cn_time(value)}"


def cn_duration(minutes: int) -> str:
    """45分钟; beyond an hour "2小时15分" (hours read better than 135分钟), "3小时" when even."""
    if minutes < 60:
        return f"{minutes}分钟"
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest}分" if rest else f"{hours}小时"
