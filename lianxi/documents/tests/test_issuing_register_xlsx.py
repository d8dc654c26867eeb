"""The 发文登记簿 .xlsx (四(六)): every number taken, the withdrawn ones with their reason."""

import io

import openpyxl
import pytest

from ..models import IssuedNumber
from ..register_xlsx import HEADERS, register_xlsx
from ..services import Parties, document_issue, number_withdraw
from .issuing_helpers import make_register

pytestmark = pytest.mark.django_db


def test_the_outgoing_register_lists_used_and_withdrawn_numbers_四六(
    make_plan, clerk, health, mechanism
):
    make_register(clerk, health)
    notice = make_plan(kind="通知", title="关于报送进展的通知", parties=Parties())
    document_issue(actor=clerk.membership, document=notice)
    first = IssuedNumber.objects.get()
    number_withdraw(actor=clerk.membership, issued_number=first, reason="主送单位漏列")
    document_issue(actor=clerk.membership, document=notice)
    numbers = (
        IssuedNumber.objects.select_related("document__mechanism")
        .prefetch_related("document__issuers__unit")
        .order_by("taken_at", "id")
    )
    book = openpyxl.load_workbook(io.BytesIO(register_xlsx(numbers, mechanism_name=mechanism.name)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == f"{mechanism.name}发文登记簿"
    assert rows[1] == HEADERS
    assert [(r[0][-3:], r[1], r[2], r[4], r[5]) for r in rows[2:]] == [
        ("〕1号", "关于报送进展的通知", "市卫生健康委", "已作废", "主送单位漏列"),
        ("〕2号", "关于报送进展的通知", "市卫生健康委", "已使用", None),
    ]
