"""Chinese words: jieba and the platform's domain words, shared by routing and search.

A leaf library: it imports no app. Routing and search each keep their own tokenizer, because
they want different cuts (routing a lean general dictionary plus its thesaurus, search jieba's
full one, whose words the built index holds), but both build it here, so jieba is quieted once
and the domain words (``domain_words.txt``: the annex's special terms, such as 放射诊疗许可)
are whole words in both.

Every tokenizer is a ``jieba.Tokenizer`` of its own, never jieba's global one: words one caller
adds do not change the other's cuts.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jieba

DOMAIN_WORDS_FILE = Path(__file__).resolve().parent / "domain_words.txt"
# High enough that jieba keeps a domain word whole against any split its dictionary prefers.
DOMAIN_WORD_FREQ = 200_000


def read_domain_words(path: Path = DOMAIN_WORDS_FILE) -> list[str]:
    """The words of a dictionary file: whitespace-separated, ``#`` starts a comment line."""
    words = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            words.extend(line.split())
    return words


def domain_words_digest(path: Path = DOMAIN_WORDS_FILE) -> str:
    """Changes whenever the file does: an index cut with other domain words must be rebuilt."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@cache
def _quiet() -> None:
    # jieba logs every dictionary load at DEBUG to stderr.
    jieba.setLogLevel(logging.WARNING)


@cache
def general_words(min_freq: int) -> bytes:
    """jieba's general dictionary without the words rarer than `min_freq`: it loads in a
    fraction of the time the whole one takes."""
    source = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    return b"\n".join(
        line
        for line in source.read_bytes().split(b"\n")
        if line and int(line.split(b" ", 2)[1]) >= min_freq
    )


def new_tokenizer(
    *, min_freq: int = 0, words: Iterable[str] = (), freq: int = DOMAIN_WORD_FREQ
) -> jieba.Tokenizer:
    """A tokenizer of its own over jieba's dictionary (all of it, or the words at least
    `min_freq` frequent), with `words` added at `freq`."""
    _quiet()
    tokenizer = jieba.Tokenizer()
    if min_freq:
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(io.BytesIO(general_words(min_freq)))
        tokenizer.initialized = True
    else:
        # jieba's own loading, from its cache of the whole dictionary.
        tokenizer.initialize()
    for word in words:
        tokenizer.add_word(word, freq)
    return tokenizer


def add_new_words(
    tokenizer: jieba.Tokenizer, words: Iterable[str], freq: int = DOMAIN_WORD_FREQ
) -> None:
    """Adds the words `tokenizer` does not know yet (a known word keeps its frequency)."""
    for word in words:
        if not tokenizer.FREQ.get(word):
            tokenizer.add_word(word, freq)


def segments(tokenizer: jieba.Tokenizer, text: str, *, search: bool = False) -> list[str]:
    """The pieces jieba cuts `text` into; in search mode also the words inside long words
    (职业病防治 also yields 职业病 and 防治)."""
    cut = tokenizer.lcut_for_search if search else tokenizer.lcut
    return list(cut(text or ""))
