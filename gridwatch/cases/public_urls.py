"""The public side of reports: the mailbox and the follow-up. The public portal (``gridwatch.portal.urls``)
mounts them under /report/ in its namespace, so the URL policy test sees them as public by design."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_form, name="report_form"),
    path("grid/<str:code>/", views.report_form, name="report_grid"),
    path("follow-up/", views.follow_up, name="report_follow_up"),
]
