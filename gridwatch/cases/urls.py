from django.urls import path

from . import attachment_views, cadre_views, export_views, handling_views, triage_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_intake, name="case_intake"),
    path("<uuid:pk>/", views.case_detail, name="case_detail"),
    path("<uuid:pk>/message/", views.case_message, name="case_message"),
    path("<uuid:pk>/identity/", views.case_identity_reveal, name="case_identity_reveal"),
]

# Each part of case handling keeps its routes beside its views.
for _module in (triage_views, handling_views, attachment_views, cadre_views, export_views):
    urlpatterns += _module.urlpatterns
