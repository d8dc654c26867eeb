"""Duty routing (二(四), annex): the thesaurus the secretariat extends, and past decisions.

Routing answers "which department is responsible?" from the units' current duties. Two kinds of
rows help it: thesaurus entries that bridge everyday words to the duties' vocabulary (beside the
shipped data file), and examples — real matters whose lead and supporting units the secretariat
set or corrected — recorded through `routing.services.routing_example_record`, which the domains
call without routing knowing them.
"""

from django.conf import settings
from django.db import models

from lianxi.core.models import TimeStampedModel
from lianxi.organization.models import Mechanism, Unit


class ThesaurusEntry(TimeStampedModel):
    """A term and the terms it leads to (e.g. 矽肺 → 尘肺), added in the interface."""

    mechanism = models.ForeignKey(
        Mechanism, on_delete=models.CASCADE, related_name="thesaurus_entries"
    )
    term = models.CharField("词语", max_length=50)
    targets = models.CharField("指向", max_length=300, help_text="以空格或顿号分隔")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["term", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "term"], name="thesaurus_term_unique")
        ]
        verbose_name = "同义词表词条"
        verbose_name_plural = "同义词表词条"

    def __str__(self) -> str:
        return f"{self.term} → {self.targets}"

    @property
    def target_list(self) -> list[str]:
        from .engine import split_targets

        return split_targets(self.targets)


class RoutingExample(TimeStampedModel):
    """A real matter and the units the secretariat decided on; the newest decision per source."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="+")
    source_key = models.CharField("来源标识", max_length=100)
    text = models.TextField("事项")
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="牵头单位",
    )
    supporting_units = models.ManyToManyField(
        Unit, related_name="+", blank=True, verbose_name="配合或相关单位"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "source_key"], name="routing_example_source_unique"
            )
        ]
        verbose_name = "分办实例"
        verbose_name_plural = "分办实例"

    def __str__(self) -> str:
        return self.text[:40]
