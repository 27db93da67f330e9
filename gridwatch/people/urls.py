from django.urls import path

from . import photo_views, views

app_name = "people"

urlpatterns = [
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/new/", views.cadre_create, name="cadre_create"),
    path("cadres/export/", views.cadre_export, name="cadre_export"),
    path("cadres/import/", views.cadre_import, name="cadre_import"),
    path("cadres/<uuid:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<uuid:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<uuid:pk>/status/", views.cadre_status, name="cadre_status"),
    path("cadres/<uuid:pk>/phone/", views.cadre_phone, name="cadre_phone"),
    path("cadres/<uuid:pk>/relations/", views.cadre_relation_add, name="cadre_relation_add"),
    path("cadres/<uuid:pk>/photo/", photo_views.cadre_photo, name="cadre_photo"),
    path("cadres/<uuid:pk>/photo/upload/", photo_views.cadre_photo_upload, name="cadre_photo_upload"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<uuid:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<uuid:pk>/head/", views.unit_set_head, name="unit_set_head"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<uuid:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<uuid:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<uuid:pk>/submit/", views.round_submit, name="round_submit"),
    path("rounds/<uuid:pk>/import/", views.round_import, name="round_import"),
    path("my-file/", views.my_file, name="my_file"),
]
