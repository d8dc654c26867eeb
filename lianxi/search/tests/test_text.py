"""The tokenizer shared by the index and the query, and the highlighted snippets."""

from lianxi.search import text


def test_words_are_segmented_normalised_and_function_words_dropped() -> None:
    words = text.words("工人血铅超标的问题，ＡＢＣ公司 ①号车间")
    assert "工人" in words and "超标" in words
    assert "的" not in words and "，" not in words
    assert "abc" in words  # full-width letters, lower-cased
    assert "1" in words  # ① → 1: the same on both databases' parsers
    assert all(w.isalnum() for w in words)


def test_search_mode_finds_the_words_inside_a_long_word() -> None:
    words = text.words("职业病防治工作部门间联席会议")
    assert {"职业病", "防治", "联席会议", "会议"} <= set(words)


def test_query_words_are_distinct_and_bounded() -> None:
    assert text.query_words("尘肺 尘肺 尘肺") == ["尘肺"]
    assert text.query_words("的 了 和") == []
    assert len(text.query_words("尘肺 " * 50 + " ".join(f"词{n}" for n in range(40)))) <= 12


def test_highlight_escapes_html_and_marks_terms() -> None:
    marked = text.highlight("<script>尘肺</script>病", ["尘肺"])
    assert marked == "&lt;script&gt;<mark>尘肺</mark>&lt;/script&gt;病"


def test_snippet_is_cut_around_the_first_term() -> None:
    body = "前言" * 100 + "尘肺病患者救治" + "后记" * 100
    piece = text.snippet(body, ["尘肺"], width=60)
    assert piece.startswith("…") and piece.endswith("…")
    assert "<mark>尘肺</mark>" in piece
    assert len(piece) < 100
    assert text.snippet("短文本", ["无关"]) == "短文本"


def test_a_short_query_word_is_kept_whole_as_search_mode_indexes_it() -> None:
    """jieba alone cuts 达人 apart; inside 职业健康达人 the index holds 达人 whole."""
    assert "达人" in text.words("职业健康达人评选")
    assert text.query_words("达人") == ["达人"]
