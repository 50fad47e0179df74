"""综合评审: the regulator's pool and panels, the association's criteria, the experts' pages."""

from django.urls import path

from scoring import review_views as views

urlpatterns = [
    path("staff/scoring/experts/", views.experts, name="experts"),
    path("staff/scoring/experts/<int:pk>/", views.expert, name="expert"),
    path("staff/scoring/experts/<int:pk>/relations/", views.expert_relation, name="expert_relation"),
    path("staff/scoring/panels/", views.panels, name="panels"),
    path("staff/scoring/panels/<int:pk>/", views.panel, name="panel"),
    path("staff/scoring/panels/<int:pk>/assign/", views.panel_assign, name="panel_assign"),
    path("staff/scoring/panels/<int:pk>/assignment/", views.panel_assignment, name="panel_assignment"),
    path("staff/scoring/criteria/", views.criteria, name="review_criteria"),
    path("expert/reviews/", views.my_reviews, name="my_reviews"),
    path("expert/reviews/<int:pk>/", views.review_candidate, name="review_candidate"),
    path("expert/reviews/<int:pk>/materials/<str:slot>/", views.review_material, name="review_material"),
    path("expert/panels/<int:pk>/", views.panel_chair, name="panel_chair"),
    path("expert/panels/<int:pk>/close/", views.panel_close, name="panel_close"),
]
