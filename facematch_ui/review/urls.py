from django.urls import path

from facematch_ui.review import views

app_name = "review"
urlpatterns = [
    path("", views.job_list, name="job_list"),
]
