"""What a token may touch: read or write, and which apps, one scope name per router module.

The scope names are the modules of ``lianxi.api.routers`` (``incidents``, ``meetings``, …): a new
app's router adds its own scope by existing. `install(api)` marks every operation of every mounted
router with its router's scope, so that `TokenAuth` can refuse a token outside it before the
request is read; an operation left unmarked is refused to every token (fail closed).
"""

import pkgutil
from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router

READ = "read"
WRITE = "write"
ACCESS_CHOICES = ((READ, "只读"), (WRITE, "读写"))
ACCESS_LABELS = dict(ACCESS_CHOICES)

ROUTERS_PACKAGE = "lianxi.api.routers"
# Set on the request by the operation's marker, read by TokenAuth.
SCOPE_ATTR = "_lianxi_api_scope"


def scope_names() -> tuple[str, ...]:
    """Every router module's name, sorted: the apps a token may be given."""
    package = import_module(ROUTERS_PACKAGE)
    return tuple(
        sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    )


def scope_label(name: str) -> str:
    """A scope's Chinese name: its router's first tag (e.g. 督办), with the scope name."""
    router = getattr(import_module(f"{ROUTERS_PACKAGE}.{name}"), "router", None)
    tags = getattr(router, "tags", None) or []
    return f"{tags[0]}（{name}）" if tags else name


def scope_choices() -> list[tuple[str, str]]:
    return [(name, scope_label(name)) for name in scope_names()]


def scopes_text(scopes: list[str]) -> str:
    return "、".join(scopes) if scopes else "—"


def _marker(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(run: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(run)
        def marked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            setattr(request, SCOPE_ATTR, scope)
            return run(request, *args, **kwargs)

        return marked

    return decorator


def scope_of_router(router: Router) -> str | None:
    """The router module an operation's function is defined in, as a scope name."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            module = getattr(operation.view_func, "__module__", "")
            if module.startswith(ROUTERS_PACKAGE + "."):
                return module.rsplit(".", 1)[1]
    return None


def install(api: NinjaAPI) -> None:
    """Call after every ``api.add_router``: marks each router's operations with its scope."""
    # NinjaAPI keeps its top-level (prefix, router) pairs in _routers (django-ninja 1.7).
    for _prefix, router in api._routers:
        scope = scope_of_router(router)
        if scope is not None:
            # "view": around the whole operation, so the scope is known when auth runs.
            router.add_decorator(_marker(scope), mode="view")
