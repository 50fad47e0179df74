"""Exam day (included from exams/urls.py): the invigilator's phone pages, its manifest and sync,
the typed-number fallback, and the read-only status of a room."""

from django.urls import path

from exams import checkin_views as views

ROOM = "exam-day/rooms/<int:room>/sessions/<int:session>/"

urlpatterns = [
    path("exam-day/", views.home, name="checkin_home"),
    path("exam-day/sw.js", views.service_worker, name="checkin_sw"),
    path("exam-day/sync/", views.sync, name="checkin_sync"),
    path("exam-day/board/", views.board, name="checkin_board"),
    path(ROOM, views.room, name="checkin_room"),
    path(ROOM + "manifest.json", views.manifest, name="checkin_manifest"),
    path(ROOM + "scan/", views.scan, name="checkin_scan"),
    path(ROOM + "rest-absent/", views.rest_absent, name="checkin_rest_absent"),
    path(ROOM + "status/", views.status, name="checkin_status"),
]
