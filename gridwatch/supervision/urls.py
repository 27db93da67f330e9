from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("diary/", views.diary_list, name="diary_list"),
    path("diary/new/", views.diary_create, name="diary_create"),
    path("diary/<uuid:pk>/", views.diary_detail, name="diary_detail"),
    path("diary/<uuid:pk>/edit/", views.diary_update, name="diary_update"),
    path("diary/<uuid:pk>/case/", views.diary_to_case, name="diary_to_case"),
]
