"""Chinese numerals as official documents and rules number their parts (一、 （一） 第一条)."""

_DIGITS = "零一二三四五六七八九"


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
