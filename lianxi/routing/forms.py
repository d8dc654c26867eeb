"""The thesaurus page's form: the platform's text policy (lianxi.core.forms) on every field."""

from django import forms

from lianxi.core.forms import Form

from .services import TARGETS_MAX, TERM_MAX

NOTE_MAX = 200


class ThesaurusEntryForm(Form):
    # Not required here: the service's messages for an empty term or target say what to write.
    term = forms.CharField(label="词语", max_length=TERM_MAX, required=False)
    targets = forms.CharField(label="指向", max_length=TARGETS_MAX, required=False)
    note = forms.CharField(label="说明", max_length=NOTE_MAX, required=False)
