from django.urls import path

from facematch_ui.review import thumbnail_views, views

app_name = "review"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.new_match, name="new_match"),
    path("open/", views.open_job, name="open_job"),
    path("refresh/", views.refresh_jobs, name="refresh_jobs"),
    path("jobs/<str:api_id>/", views.job_detail, name="job_detail"),
    path("jobs/<str:api_id>/status/", views.job_status, name="job_status"),
    path(
        "jobs/<str:api_id>/matches/<str:match_id>/<str:variant>.jpg",
        thumbnail_views.match_thumbnail,
        name="match_thumbnail",
    ),
    path(
        "jobs/<str:api_id>/source/<str:variant>.jpg",
        thumbnail_views.source_image,
        name="source_image",
    ),
]
