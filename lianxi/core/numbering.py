"""Chinese numerals as official documents and rules number their parts (一、 （一） 第一条)."""

_DIGITS = "零一二三四五六七八九"
_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_VALUES |= {"六": 6, "七": 7, "八": 8, "九": 9}


def chinese_numeral(n: int) -> str:
    """0 -> 零, 1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五, 110 -> 一百一十."""
    if n < 0:
        raise ValueError("序号不能为负数。")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = _DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + _DIGITS[rest]
        if rest < 20:
            return head + "一" + chinese_numeral(rest)
        return head + chinese_numeral(rest)
    raise ValueError("序号过大。")


def cn_to_int(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 两 → 2, 一百零五 → 105 (chinese_numeral reversed)."""
    total = 0
    current = 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _VALUES[char] if current else _VALUES[char]
    return total + current
