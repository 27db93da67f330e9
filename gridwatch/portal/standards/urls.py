"""URLs of the standards and codes of conduct (in the portal namespace): the public pages, then the staff
editor under ``manage/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="standards"),
    path("manage/", views.manage, name="standard_manage"),
    path("manage/new/", views.create, name="standard_create"),
    path("manage/<uuid:pk>/", views.manage_detail, name="standard_manage_detail"),
    path("manage/<uuid:pk>/edit/", views.edit, name="standard_edit"),
    path("manage/<uuid:pk>/new-version/", views.new_version, name="standard_new_version"),
    path("manage/<uuid:pk>/publish/", views.publish, name="standard_publish"),
    path("manage/<uuid:pk>/withdraw/", views.withdraw, name="standard_withdraw"),
    path("manage/<uuid:pk>/delete/", views.delete, name="standard_delete"),
    path("<uuid:series>/", views.detail, name="standard"),
    path("<uuid:series>/v<int:version>/", views.version, name="standard_version"),
]
