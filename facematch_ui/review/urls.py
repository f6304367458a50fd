from django.urls import path

from facematch_ui.review import (
    appearance_views,
    detail_views,
    export_views,
    share_views,
    thumbnail_views,
    triage_views,
    views,
)

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
        "jobs/<str:api_id>/matches/<str:match_id>/card/verdict/",
        triage_views.set_verdict,
        name="set_verdict",
    ),
    path(
        "jobs/<str:api_id>/matches/<str:match_id>/card/undo/",
        triage_views.undo_verdict,
        name="undo_verdict",
    ),
    path("jobs/<str:api_id>/verdicts/bulk/", triage_views.bulk_verdict, name="bulk_verdict"),
    path(
        "jobs/<str:api_id>/verdicts/reject-below/",
        triage_views.reject_below,
        name="reject_below",
    ),
    path("jobs/<str:api_id>/appearances/", appearance_views.appearances, name="appearances"),
    path(
        "jobs/<str:api_id>/appearances/verdict/",
        appearance_views.appearance_verdict,
        name="appearance_verdict",
    ),
    path(
        "jobs/<str:api_id>/source/<str:variant>.jpg",
        thumbnail_views.source_image,
        name="source_image",
    ),
    # A match's detail, its verdict form and the job's video.
    path(
        "jobs/<str:api_id>/matches/<str:match_id>/",
        detail_views.match_detail,
        name="match_detail",
    ),
    path(
        "jobs/<str:api_id>/matches/<str:match_id>/verdict/",
        detail_views.match_verdict,
        name="match_verdict",
    ),
    path("jobs/<str:api_id>/video/", detail_views.match_video, name="match_video"),
    # Exports (signed-in analysts only).
    path("jobs/<str:api_id>/export.<str:fmt>", export_views.export, name="export"),
    # Share links: the analysts' side ...
    path("jobs/<str:api_id>/shares/", share_views.share_links, name="share_links"),
    path(
        "jobs/<str:api_id>/shares/<int:link_id>/revoke/",
        share_views.share_revoke,
        name="share_revoke",
    ),
    # ... and the visitors' read-only pages.
    path("s/<str:token>/", share_views.shared_job, name="shared_job"),
    path("s/<str:token>/matches/<str:match_id>/", share_views.shared_match, name="shared_match"),
    path(
        "s/<str:token>/matches/<str:match_id>/<str:variant>.jpg",
        share_views.shared_thumbnail,
        name="shared_thumbnail",
    ),
    path("s/<str:token>/source/<str:variant>.jpg", share_views.shared_source, name="shared_source"),
    path("s/<str:token>/video/", share_views.shared_video, name="shared_video"),
]
