from django.urls import include, path

from exams import tickets, views

app_name = "exams"
urlpatterns = [
    path("staff/exams/", views.home, name="home"),
    path("staff/exams/sites/new/", views.site_new, name="site_new"),
    path("staff/exams/sites/<int:pk>/", views.site_edit, name="site"),
    path("staff/exams/sites/<int:pk>/delete/", views.site_delete, name="site_delete"),
    path("staff/exams/sites/<int:pk>/rooms/new/", views.room_new, name="room_new"),
    path("staff/exams/rooms/<int:pk>/", views.room_edit, name="room"),
    path("staff/exams/rooms/<int:pk>/delete/", views.room_delete, name="room_delete"),
    path("staff/exams/rooms/<int:pk>/tickets.pdf", tickets.room_tickets_pdf, name="room_tickets_pdf"),
    path("staff/exams/staff/", views.staff_list, name="staff"),
    path("staff/exams/staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/exams/staff/<int:pk>/delete/", views.staff_delete, name="staff_delete"),
    path("staff/exams/assignments/", views.assignments, name="assignments"),
    path("staff/exams/assignments/<int:pk>/delete/", views.unassign, name="unassign"),
    path("staff/exams/needs/", views.needs, name="needs"),
    path("staff/exams/needs/<int:pk>/", views.need, name="need"),
    path("staff/exams/seating/", views.seating_page, name="seating"),
    path("staff/exams/seating/apply/", views.seating_apply, name="seating_apply"),
    path("staff/exams/seating/move/", views.seating_move, name="seating_move"),
    path("staff/exams/seating/swap/", views.seating_swap, name="seating_swap"),
    path("staff/exams/publish/", views.publish, name="publish"),
    path("staff/exams/latecomers/", views.latecomers, name="latecomers"),
    path("applications/<int:pk>/ticket.pdf", tickets.ticket_pdf_view, name="ticket_pdf"),
    path("", include("exams.checkin_urls")),
    path("", include("exams.handbook_urls")),
]
