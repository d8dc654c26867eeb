"""Request bodies and uploads (issue 17; GB/T 22239-2019 8.1.4.4 入侵防范).

A body Django cannot read, or one over these limits, is refused before any view runs: 413 for
too large, 400 for malformed, in Chinese (``lianxi.core.middleware.bad_request`` for pages,
``lianxi.api.errors`` for the API). Uploaded files do not count against
DATA_UPLOAD_MAX_MEMORY_SIZE; each upload form checks its own file size.

``LIANXI_DOCX_LIMITS`` bounds what ``lianxi.core.docx_safe`` reads of an uploaded .docx; the
defaults there fit a long official document, and a reader may lower them (the rules import
takes at most 5 MB).
"""

from .env import env_int

MB = 1024 * 1024

# A JSON or form body (files aside) above this is 413. Django's default, 2.5 MB, made explicit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LIANXI_MAX_BODY_BYTES", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("LIANXI_MAX_BODY_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("LIANXI_MAX_BODY_FILES", 20)

LIANXI_DOCX_LIMITS = {
    "max_bytes": env_int("LIANXI_DOCX_MAX_BYTES", 20 * MB),
    "max_parts": env_int("LIANXI_DOCX_MAX_PARTS", 300),
    "max_uncompressed": env_int("LIANXI_DOCX_MAX_UNCOMPRESSED", 64 * MB),
    "max_ratio": env_int("LIANXI_DOCX_MAX_RATIO", 100),
    "max_xml_bytes": env_int("LIANXI_DOCX_MAX_XML_BYTES", 16 * MB),
    "max_elements": env_int("LIANXI_DOCX_MAX_ELEMENTS", 200_000),
    "max_seconds": env_int("LIANXI_DOCX_MAX_SECONDS", 10),
}
