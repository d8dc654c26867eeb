from django.urls import include, path

from lianxi.api.urls import api
from lianxi.core import account_views
from lianxi.core import views as core_views
from lianxi.organization import choose_views, platform_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Django's login and logout, audited (lianxi.core.account_views).
    path("account/login/", account_views.LoginView.as_view(), name="login"),
    path("account/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("account/choose/", choose_views.choose_membership, name="choose_membership"),
    path("account/tokens/", include("lianxi.api.page_urls")),
    path("account/", include("lianxi.core.account_urls")),
    path("core/", include("lianxi.core.urls")),
    path("platform/", platform_views.platform, name="platform"),
    path("units/", include("lianxi.organization.urls")),
    path("messages/", include("lianxi.notifications.urls")),
    path("meetings/", include("lianxi.meetings.urls")),
    path("supervision/", include("lianxi.supervision.urls")),
    path("incidents/", include("lianxi.incidents.urls")),
    path("routing/", include("lianxi.routing.urls")),
    path("documents/", include("lianxi.documents.urls")),
    path("decisions/", include("lianxi.decisions.urls")),
    path("annual/", include("lianxi.annual.urls")),
    path("bulletins/", include("lianxi.bulletins.urls")),
    path("search/", include("lianxi.search.urls")),
    path("calendar/", include("lianxi.meetings.feed_urls")),
    path("api/v1/", api.urls),
]

# A request Django refuses as bad (a malformed or oversized body): Chinese, 400 or 413.
handler400 = "lianxi.core.middleware.bad_request"
