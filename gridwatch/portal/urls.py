"""The public portal (R6, R8, R18, R23), in the ``portal`` namespace. Every view here is public except
the staff editors of standards and publicity and the township's batch of notice-board sheets."""

from django.urls import include, path

from gridwatch.cases.public_urls import urlpatterns as report_patterns

from . import views

app_name = "portal"

urlpatterns = [
    path("portal/", views.landing, name="home"),
    path("grids/", views.grid_search, name="grid_search"),
    path("grids/<str:code>/", views.grid_page, name="grid"),
    path("grids/<str:code>/photos/<uuid:pk>/", views.cadre_photo, name="cadre_photo"),
    path("counties/<str:code>/", views.county_page, name="county"),
    path("townships/<str:code>/", views.township_page, name="township"),
    path("portal/language/", views.language, name="language"),
    path("report/", include(report_patterns)),
    # -- standards (the URL include of this part goes right below this line)
    path("standards/", include("gridwatch.portal.standards.urls")),
    # -- publicity (the URL include of this part goes right below this line)
    path("publicity/", include("gridwatch.portal.publicity.urls")),
    # -- notice-board sheets (the URL include of this part goes right below this line)
    path("sheets/", include("gridwatch.portal.sheets.urls")),
]
