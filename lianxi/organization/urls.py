from django.urls import path

from . import import_views, lockout_views, people_views, settings_views, views

app_name = "organization"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.unit_page, name="unit"),
    path("rules/", views.rules, name="rules"),
    # The rules import (upload, preview, apply): import_views.py.
    path("rules/import/", import_views.rules_import_upload, name="rules_import"),
    # 联席会议设置 (四(三), 三(一)1): settings_views.py.
    path("settings/", settings_views.settings_page, name="settings"),
    # People and memberships: people_views.py.
    path("people/", people_views.people_list, name="people"),
    path("people/new/", people_views.person_create, name="person_create"),
    path("people/<int:pk>/", people_views.person_edit, name="person_edit"),
    path("people/<int:pk>/password/", people_views.person_password_reset, name="person_password"),
    path("people/<int:pk>/deactivate/", people_views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people_views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/unlock/", people_views.person_unlock, name="person_unlock"),
    path("people/<int:pk>/otp-reset/", people_views.person_otp_reset, name="person_otp_reset"),
    # 登录锁定, the security administrator's: lockout_views.py.
    path("people/locks/", lockout_views.lockouts, name="lockouts"),
    path(
        "people/locks/<int:pk>/unlock/",
        lockout_views.lockout_account_unlock,
        name="lockout_account_unlock",
    ),
    path(
        "people/locks/address/unlock/",
        lockout_views.lockout_address_unlock,
        name="lockout_address_unlock",
    ),
]
