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

# register and inspections
from . import inspection_views, register_views  # noqa: E402

urlpatterns += [
    path("register/", register_views.register_list, name="register_list"),
    path("register/new/", register_views.register_create, name="register_create"),
    path("register/cadre/<uuid:pk>/", register_views.register_cadre, name="register_cadre"),
    path("register/<uuid:pk>/edit/", register_views.register_update, name="register_update"),
    path("inspections/", inspection_views.inspection_list, name="inspection_list"),
    path("inspections/new/", inspection_views.inspection_create, name="inspection_create"),
    path("inspections/<uuid:pk>/", inspection_views.inspection_detail, name="inspection_detail"),
    path(
        "inspections/<uuid:pk>/follow-up/", inspection_views.inspection_follow_up, name="inspection_follow_up"
    ),
]

# cards and checklist
from . import card_views  # noqa: E402

urlpatterns += [
    path("cards/", card_views.card_overview, name="card_overview"),
    path("cards/start/", card_views.card_start, name="card_start"),
    path("cards/<uuid:pk>/", card_views.card_detail, name="card_detail"),
    path("cards/<uuid:pk>/items/<int:position>/", card_views.card_item_save, name="card_item_save"),
    path("cards/<uuid:pk>/items/<int:position>/photo/", card_views.card_photo, name="card_photo"),
    path("cards/<uuid:pk>/submit/", card_views.card_submit, name="card_submit"),
    path("cards/<uuid:pk>/review/", card_views.card_review, name="card_review"),
    path("checklist/", card_views.checklist_view, name="checklist"),
    path("checklist/edit/", card_views.checklist_edit, name="checklist_edit"),
]
