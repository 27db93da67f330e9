from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.otp_verify, name="otp_verify"),
    path("two-factor/enrol/", views.otp_enrol, name="otp_enrol"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<uuid:pk>/open/", views.notification_open, name="notification_open"),
    path("users/", views.user_list, name="user_list"),
    path("lockouts/", views.lockout_list, name="lockout_list"),
    path("lockouts/<int:pk>/release/", views.lockout_release, name="lockout_release"),
]
