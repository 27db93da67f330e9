from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("mine/", views.my_commitments, name="mine"),
    path("new/", views.commitment_create, name="create"),
    path("<uuid:pk>/", views.commitment_detail, name="detail"),
    path("<uuid:pk>/edit/", views.commitment_edit, name="edit"),
    path("<uuid:pk>/submit/", views.commitment_submit, name="submit"),
    path("<uuid:pk>/approve/", views.commitment_approve, name="approve"),
    path("<uuid:pk>/return/", views.commitment_return, name="return"),
    path("<uuid:pk>/fulfilment/", views.fulfilment_form, name="fulfilment"),
    path("<uuid:pk>/rating/", views.rating_form, name="rating"),
    path("grid/<str:code>/", views.public_grid, name="public_grid"),
]
