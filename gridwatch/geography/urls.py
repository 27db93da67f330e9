from django.urls import path

from . import views

app_name = "geography"

urlpatterns = [
    path("", views.area_list, name="area_list"),
    path("table/", views.import_export, name="import_export"),
    path("table/export/", views.grid_table_export, name="grid_table_export"),
    path("liaisons/", views.liaison_list, name="liaison_list"),
    path("<str:code>/", views.area_detail, name="area_detail"),
    path("<str:code>/edit/", views.area_edit, name="area_edit"),
    path("<str:code>/team/add/", views.team_add, name="team_add"),
    path("<str:code>/team/remove/", views.team_remove, name="team_remove"),
]
