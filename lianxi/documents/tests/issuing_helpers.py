"""What the signing and issuing tests share (四(五), 四(六)): seal images, registers, a joint
document signed by its co-issuers, the people a message reached."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from lianxi.notifications.models import Delivery
from lianxi.organization.models import Unit

from ..models import CoSignature, NumberRegister, OfficialDocument
from ..services import cosign_request, cosign_sign, register_create


def seal_png(size: int = 400, *, color: tuple[int, int, int] = (220, 0, 0)) -> bytes:
    """A red round seal on a transparent background, as a PNG."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=(*color, 255), width=max(4, size // 25))
    draw.regular_polygon((size / 2, size / 2, size / 6), 5, fill=(*color, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def image_bytes(size: int, fmt: str, mode: str = "RGB") -> bytes:
    image = Image.new(mode, (size, size), "white")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def make_register(clerk: Any, unit: Unit, prefix: str = "信卫职健", **kw: Any) -> NumberRegister:
    return register_create(actor=clerk.membership, unit=unit, prefix=prefix, **kw)


def sign_all(document: OfficialDocument, *signers: Any) -> None:
    """Each signer (a co-issuing unit's member) signs the document's pending request."""
    for signer in signers:
        signature = CoSignature.objects.get(
            document=document, unit=signer.membership.unit, status=CoSignature.Status.PENDING
        )
        cosign_sign(actor=signer.membership, signature=signature)


def send_and_sign(document: OfficialDocument, clerk: Any, *signers: Any) -> OfficialDocument:
    cosign_request(actor=clerk.membership, document=document)
    sign_all(document, *signers)
    document.refresh_from_db()
    return document


def reached(kind: str) -> set[str]:
    """The usernames whose inbox got a message of `kind`."""
    return set(
        Delivery.objects.filter(message__kind=kind, channel=Delivery.Channel.INBOX).values_list(
            "user__username", flat=True
        )
    )
