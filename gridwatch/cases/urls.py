from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_intake, name="case_intake"),
    path("<uuid:pk>/", views.case_detail, name="case_detail"),
    path("<uuid:pk>/message/", views.case_message, name="case_message"),
    path("<uuid:pk>/identity/", views.case_identity_reveal, name="case_identity_reveal"),
]
