from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/<uuid:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<uuid:pk>/phone/", views.cadre_phone, name="cadre_phone"),
    path("my-file/", views.my_file, name="my_file"),
]
