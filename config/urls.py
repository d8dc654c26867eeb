from django.contrib.auth import views as auth_views
from django.urls import include, path

from lianxi.api.urls import api
from lianxi.core import views as core_views
from lianxi.core.forms import LoginForm
from lianxi.organization import choose_views, platform_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "account/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/choose/", choose_views.choose_membership, name="choose_membership"),
    path("account/", include("lianxi.core.account_urls")),
    path("core/", include("lianxi.core.urls")),
    path("platform/", platform_views.platform, name="platform"),
    path("units/", include("lianxi.organization.urls")),
    path("messages/", include("lianxi.notifications.urls")),
    path("meetings/", include("lianxi.meetings.urls")),
    path("supervision/", include("lianxi.supervision.urls")),
    path("incidents/", include("lianxi.incidents.urls")),
    path("routing/", include("lianxi.routing.urls")),
    path("search/", include("lianxi.search.urls")),
    path("calendar/", include("lianxi.meetings.feed_urls")),
    path("api/v1/", api.urls),
]
