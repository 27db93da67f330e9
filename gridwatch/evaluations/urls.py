from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("new/", views.evaluation_new, name="new"),
    path("<uuid:pk>/", views.evaluation_detail, name="detail"),
    path("<uuid:pk>/codes/", views.evaluation_codes, name="codes"),
    path("<uuid:pk>/paper/", views.paper_entry, name="paper"),
    path("<uuid:pk>/paper/<uuid:paper_pk>/<str:decision>/", views.paper_decide, name="paper_decide"),
    path("<uuid:pk>/<str:action>/", views.evaluation_step, name="step"),
    path("ballot/", views.ballot, name="ballot"),
    path("results/<str:code>/", views.public_results, name="results"),
    path("grades/", views.unit_grades, name="grades"),
    path("grades/template/", views.unit_grades_template, name="grades_template"),
    path("dual/", views.dual_list, name="dual"),
    path("dual/export/", views.dual_export, name="dual_export"),
]
