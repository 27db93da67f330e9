from django.urls import path

from . import views

app_name = "monthly"

# A report is addressed by its township's code and its month ("2026-10"); the views answer 404 for a month
# written otherwise (``selectors.parse_month``).
urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", views.overview, name="overview"),
    path("overview/<str:month>.xlsx", views.summary_export, name="summary_export"),
    path("urgent/", views.urgent_list, name="urgent_list"),
    path("urgent/new/", views.urgent_create, name="urgent_create"),
    path("urgent/<uuid:pk>/", views.urgent_detail, name="urgent_detail"),
    path("urgent/<uuid:pk>/acknowledge/", views.urgent_acknowledge, name="urgent_acknowledge"),
    path("<str:code>/<str:month>/", views.report_detail, name="report_detail"),
    path("<str:code>/<str:month>/remarks/", views.report_remarks, name="report_remarks"),
    path("<str:code>/<str:month>/export.xlsx", views.report_export, name="report_export"),
    path("<str:code>/<str:month>/export.pdf", views.report_pdf, name="report_pdf"),
    path("<str:code>/<str:month>/<str:action>/", views.report_action, name="report_action"),
]
