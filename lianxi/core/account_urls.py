from django.urls import path

from . import account_views

urlpatterns = [
    path("otp/setup/", account_views.otp_setup, name="otp_setup"),
    path("otp/verify/", account_views.otp_verify, name="otp_verify"),
    path("password/", account_views.password_change, name="password_change"),
]
