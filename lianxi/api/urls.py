"""The JSON API at /api/v1: token auth, OpenAPI at /api/v1/openapi.json.

No interactive docs page: the bundled one loads scripts from a CDN, which the CSP forbids.
"""

from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import auth, contract, errors, scopes
from .auth import session_read_auth, token_auth
from .routers.annual import router as annual_router
from .routers.bulletins import router as bulletins_router
from .routers.decisions import router as decisions_router
from .routers.documents import router as documents_router
from .routers.incidents import router as incidents_router
from .routers.meetings import router as meetings_router
from .routers.minutes import router as minutes_router
from .routers.organization import router as organization_router
from .routers.routing import router as routing_router
from .routers.supervision import router as supervision_router


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese as characters, not \\u escapes: readable with curl."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="联席 API",
    version="1",
    description=(
        "职业病防治工作部门间联席会议工作平台的接口。"
        "认证：请求头 Authorization: Bearer <令牌>，令牌由 `lianxi api_token create` 签发，"
        "绑定一个联席会议中的一个身份：令牌只读写该联席会议的数据。"
    ),
    urls_namespace="api",
    docs_url=None,
    auth=[token_auth, session_read_auth],
    renderer=ChineseJSONRenderer(),
)
errors.install(api)
api.add_router("", organization_router)
api.add_router("", meetings_router)
api.add_router("", minutes_router)
api.add_router("", supervision_router)
api.add_router("", incidents_router)
api.add_router("", documents_router)
api.add_router("", decisions_router)
api.add_router("", annual_router)
api.add_router("", bulletins_router)
api.add_router("", routing_router)
# Tokens: refusals (401/403/429) in the error shape, each operation marked with its router's scope.
auth.install(api)
scopes.install(api)
# After every router: each operation declares the errors it can answer (lianxi.api.contract).
contract.declare_errors(api)
