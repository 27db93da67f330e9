"""URLs of the integrity-culture publicity (R18), in the portal namespace: the public pages, then the
editor under manage/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="publicity"),
    path("<uuid:pk>/", views.article, name="article"),
    path("images/<uuid:pk>/", views.article_image, name="article_image"),
    path("manage/", views.manage, name="publicity_manage"),
    path("manage/new/", views.article_create, name="publicity_article_create"),
    path("manage/<uuid:pk>/", views.article_edit, name="publicity_article_edit"),
    path("manage/<uuid:pk>/publish/", views.article_publish, name="publicity_article_publish"),
    path("manage/<uuid:pk>/unpublish/", views.article_unpublish, name="publicity_article_unpublish"),
    path("manage/<uuid:pk>/delete/", views.article_delete, name="publicity_article_delete"),
    path("manage/<uuid:pk>/images/", views.image_add, name="publicity_image_add"),
    path("manage/images/<uuid:pk>/", views.image_edit, name="publicity_image_edit"),
    path("manage/images/<uuid:pk>/remove/", views.image_remove, name="publicity_image_remove"),
    path("manage/columns/", views.columns, name="publicity_columns"),
    path("manage/columns/<slug:slug>/", views.column_edit, name="publicity_column_edit"),
    path("manage/columns/<slug:slug>/move/", views.column_move, name="publicity_column_move"),
    path("manage/columns/<slug:slug>/delete/", views.column_delete, name="publicity_column_delete"),
]
