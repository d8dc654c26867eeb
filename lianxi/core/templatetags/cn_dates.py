"""``{% load cn_dates %}``: ``|cn_date`` "2026年12月3日", ``|cn_datetime`` "2026年12月3日 9:00",
``|cn_month_day`` "12月3日", ``|cn_time`` "9:00".

Local time, no zero padding; the same as functions in lianxi.core.dates.
"""

from django import template

from lianxi.core import dates

register = template.Library()

register.filter("cn_date", dates.cn_date, expects_localtime=False)
register.filter("cn_datetime", dates.cn_datetime, expects_localtime=False)
register.filter("cn_month_day", dates.cn_month_day, expects_localtime=False)
register.filter("cn_time", dates.cn_time, expects_localtime=False)
