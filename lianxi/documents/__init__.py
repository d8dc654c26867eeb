"""Official documents (公文): drafting, numbering (发文字号), co-signing (会签) and issuing.

The domain app; the typesetting it prints with (GB/T 9704 layout, fonts, .docx and PDF) is the
leaf library :mod:`lianxi.typesetting`.
"""
