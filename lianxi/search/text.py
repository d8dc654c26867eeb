"""Chinese words for the index and for the query: one tokenizer for both.

Text is segmented by jieba's search mode (`cut_for_search`: a long word also yields the shorter
words inside it, so 职业病防治 is found by 职业病 and by 防治). Each token is normalised (NFKC, so
full-width ＡＢＣ and ① become abc and 1; lower case) and kept only if it is a word (letters and
digits only): the two databases' full-text parsers then see the same words and find the same
rows. Function words (的, 和, ...) are dropped on both sides.

The domain words of :mod:`lianxi.chinese_text` (the annex's special terms, such as
放射诊疗许可) are added to jieba's whole dictionary, so that those terms are whole words here as
they are in routing. A digest of that file is part of the tokenizer's signature: when the
domain words change, the next tick rebuilds the index with the new words.
"""

import html
import re
import threading
import unicodedata
from collections.abc import Iterable

import jieba
from django.utils.safestring import SafeString, mark_safe

from lianxi import chinese_text

STOPWORDS = frozenset("的了和与及或在是对等把被也并之其于为以由将就都而有")
MAX_QUERY_TOKENS = 12

# 文号 (document numbers) as people write and type them: 〔2026〕2号, [2026]2号, （2026）2号,
# 2026年2号, 2026年第2号, "2026 2号". jieba cuts each form differently, so each becomes one more
# word, the same for all forms: 2026年2号. A query holding a number searches for that word.
DOC_NUMBER = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[〕\])）】]?\s*(?:年\s*)?(?:第\s*)?(\d{1,5})\s*号"
)
# Part of the tokenizer's signature: an index made before the 文号 words is rebuilt.
WORDS_VERSION = "docno1"

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_signature = ""


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer, _signature
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                # "+routing-": the words lived in the routing app when indexes were first
                # signed; a new name would rebuild every index for the same cuts.
                _signature = (
                    f"jieba-{jieba.__version__}+routing-{chinese_text.domain_words_digest()}"
                    f"+{WORDS_VERSION}"
                )
                _tokenizer = chinese_text.new_tokenizer(words=chinese_text.read_domain_words())
    return _tokenizer


def signature() -> str:
    """Names the tokenizer; an index made with another one must be rebuilt."""
    tokenizer()
    return _signature


def normalise(token: str) -> str:
    word = unicodedata.normalize("NFKC", token).lower().strip()
    return word if word and word.isalnum() and word not in STOPWORDS else ""


def words(text: str) -> list[str]:
    """Every normalised word of `text`, in order, repeats kept (they weigh in the ranking)."""
    if not text:
        return []
    flat = unicodedata.normalize("NFKC", text)
    found = [w for w in map(normalise, chinese_text.segments(tokenizer(), flat, search=True)) if w]
    return found + document_numbers(flat)


def document_numbers(text: str) -> list[str]:
    """The 文号 in `text`, each as the one word 2026年2号 (see DOC_NUMBER)."""
    return [f"{int(y)}年{int(n)}号" for y, n in DOC_NUMBER.findall(text)]


def tokens_of(text: str) -> str:
    return " ".join(words(text))


def query_words(query: str) -> list[str]:
    """The distinct words of a query, in order, at most MAX_QUERY_TOKENS."""
    seen: dict[str, None] = {}
    known = tokenizer().FREQ
    flat = unicodedata.normalize("NFKC", query[:200])
    # A 文号 is searched as its one word, whichever form it was typed in.
    for number in document_numbers(flat):
        seen.setdefault(number, None)
    flat = DOC_NUMBER.sub(" ", flat)
    for chunk in flat.split():
        # A chunk that is itself a dictionary word is searched as that word: jieba may cut a
        # short query apart (达人 → 达 人) where, inside the longer text of a record, search
        # mode emits it whole.
        whole = normalise(chunk)
        for word in [whole] if whole and known.get(chunk) else words(chunk):
            seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_TOKENS]


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({t for t in terms if t}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(re.escape(t) for t in unique), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return html.escape(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """`text`, escaped, with each term wrapped in <mark>."""
    return mark_safe(_marked(text, _pattern(terms)))  # noqa: S308 (every piece escaped)


def snippet(text: str, terms: Iterable[str], width: int = 120) -> SafeString:
    """About `width` characters of `text` around the first term found, terms in <mark>."""
    pattern = _pattern(terms)
    flat = " ".join(text.split())
    first = pattern.search(flat) if pattern else None
    start = 0
    if first is not None and first.start() > width // 3:
        start = first.start() - width // 3
    end = min(len(flat), start + width)
    piece = flat[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    return mark_safe(prefix + _marked(piece, pattern) + suffix)  # noqa: S308 (escaped)
