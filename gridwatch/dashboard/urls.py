from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.pack_view, name="pack"),
    path("pack.xlsx", views.pack_xlsx, name="pack_xlsx"),
    path("pack.pdf", views.pack_pdf, name="pack_pdf"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<uuid:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:pk>/correct/", views.meeting_correct, name="meeting_correct"),
]
