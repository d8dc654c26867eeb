"""Typesetting: the GB/T 9704-2012 page geometry, the fonts, and .docx and PDF rendering.

A leaf library: callers hand it plain structures (:mod:`layout`) and get bytes back; it imports
no app (only ``lianxi.core``'s Chinese numerals). A Django app only so that its page template
(``typesetting/minutes.html``) is found.
"""
