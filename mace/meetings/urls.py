from django.urls import path

from mace.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.schedule, name="schedule"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/agenda/draft/", views.agenda_draft, name="agenda_draft"),
    path("<int:meeting_id>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("<int:meeting_id>/agenda/freeze/", views.agenda_freeze, name="agenda_freeze"),
    path(
        "<int:meeting_id>/agenda/<int:item_id>/remove/",
        views.agenda_remove,
        name="agenda_remove",
    ),
    path("<int:meeting_id>/agenda/<int:item_id>/move/", views.agenda_move, name="agenda_move"),
    path(
        "<int:meeting_id>/agenda/<int:item_id>/discussion/",
        views.discussion,
        name="discussion",
    ),
    path("<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("<int:meeting_id>/members/add/", views.member_add, name="member_add"),
    path("<int:meeting_id>/threats/add/", views.threat_add, name="threat_add"),
    path("<int:meeting_id>/threats/<int:threat_id>/", views.threat_edit, name="threat_edit"),
    path("<int:meeting_id>/minutes/", views.notes, name="notes"),
    path("<int:meeting_id>/actions/add/", views.action_add, name="action_add"),
    path("<int:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("<int:meeting_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:meeting_id>/amend/", views.amend, name="amend"),
    path("<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
]
