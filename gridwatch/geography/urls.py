from django.urls import path

from . import views

app_name = "geography"

urlpatterns = [
    path("", views.area_list, name="area_list"),
    path("<str:code>/", views.area_detail, name="area_detail"),
]
