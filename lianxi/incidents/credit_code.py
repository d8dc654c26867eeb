"""统一社会信用代码 (GB 32100-2015): 18 characters and a check character.

Layout: 1 登记管理部门代码, 2 机构类别代码, 3–8 登记管理机关行政区划码 (six digits),
9–17 主体标识码 (组织机构代码), 18 校验码. The alphabet is the digits and the capital letters
without I, O, Z, S, V (31 characters, values 0–30). The check character is
``31 − (Σ value(cᵢ) × wᵢ mod 31)`` with the weights wᵢ = 3^(i−1) mod 31, a result of 31
being written as 0.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the alphabet)."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "")


def credit_code_error(code: str) -> str | None:
    """None if `code` is a valid unified social credit code, else what is wrong (in Chinese)."""
    code = normalise(code)
    if not code:
        return "请填写统一社会信用代码。"
    if len(code) != LENGTH:
        return f"统一社会信用代码应为 18 位，您填写了 {len(code)} 位。"
    bad = sorted({c for c in code if c not in VALUES})
    if bad:
        return (
            f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}"
            "（只能是数字和除 I、O、Z、S、V 以外的大写字母）。"
        )
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3 至 8 位应为行政区划码（6 位数字）。"
    expected = check_character(code[:17])
    if code[17] != expected:
        return "统一社会信用代码校验位不正确，请核对后重新填写。"
    return None


def is_valid(code: str) -> bool:
    return credit_code_error(code) is None
