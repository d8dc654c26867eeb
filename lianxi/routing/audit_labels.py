"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "routing.example_record": "记录分办实例",
        "routing.example_correct": "更正分办实例",
        "routing.example_forget": "删除分办实例",
        "routing.thesaurus_add": "添加同义词",
        "routing.thesaurus_delete": "删除同义词",
    }
)
