"""URLs of this part (in the portal namespace): the notice-board sheets."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.sheet_index, name="sheet_index"),
    path("grid/<str:code>.pdf", views.grid_sheet, name="grid_sheet"),
    path("township/<str:code>.pdf", views.township_sheets, name="township_sheets"),
    path("community/<str:code>.pdf", views.community_sheets, name="community_sheets"),
]
