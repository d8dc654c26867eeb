"""The search index (二(四), annex: "search across the record").

One row per indexed record of any registered kind. The text is kept twice: as written (for the
title and the highlighted snippet) and segmented by jieba into space-joined, normalised tokens,
which is what the database's full-text engine matches: an FTS5 virtual table on SQLite, a
generated tsvector column with a GIN index on PostgreSQL (both created by migration 0002, not
declared here, since neither has a portable Django field).

Access is not stored: at query time each kind's own access rules (the app's `visible_*`
querysets) decide, so a right granted or withdrawn takes effect at once, not at the next reindex.
"""

from django.db import models


class SearchDocument(models.Model):
    kind = models.CharField("类型", max_length=30)
    object_id = models.BigIntegerField("对象ID")
    title = models.CharField("标题", max_length=300)
    body = models.TextField("正文", blank=True)
    url = models.CharField("链接", max_length=300)
    # jieba tokens, normalised (NFKC, lower case, words only), joined by single spaces.
    title_tokens = models.TextField(blank=True)
    tokens = models.TextField(blank=True)
    date = models.DateField("日期", null=True, blank=True)
    # The units the record concerns, as " 3 7 12 " so that one unit is `contains=" 7 "`.
    units = models.CharField("相关单位", max_length=1000, blank=True)
    indexed_at = models.DateTimeField("索引时间")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        indexes = [models.Index(fields=["kind", "date"])]
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"

    @property
    def unit_ids(self) -> list[int]:
        return [int(part) for part in self.units.split()]


class SearchWatermark(models.Model):
    """How far the incremental reindex of one kind has got, and with which tokenizer."""

    kind = models.CharField(max_length=30, unique=True)
    indexed_until = models.DateTimeField()
    tokenizer = models.CharField(max_length=80)

    class Meta:
        verbose_name = "索引进度"
        verbose_name_plural = "索引进度"

    def __str__(self) -> str:
        return f"{self.kind} {self.indexed_until:%Y-%m-%d %H:%M}"
