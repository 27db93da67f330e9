from django.urls import path

from . import views

app_name = "formal_warnings"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<uuid:report_pk>/issue/", views.notice_issue, name="issue"),
    path("proposals/<uuid:report_pk>/decline/", views.proposal_decline, name="decline"),
    path("<uuid:pk>/", views.notice_detail, name="detail"),
    path("<uuid:pk>/follow-ups/<int:follow_up_id>/", views.followup_record, name="follow_up"),
    path("<uuid:pk>/decide/", views.appeal_decide, name="decide"),
    path("mine/", views.my_notices, name="mine"),
    path("mine/<uuid:pk>/", views.my_notice, name="my_notice"),
    path("mine/<uuid:pk>/acknowledge/", views.notice_acknowledge, name="acknowledge"),
    path("mine/<uuid:pk>/appeal/", views.notice_appeal, name="appeal"),
]
