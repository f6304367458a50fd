from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from facematch_ui.ops.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("facematch_ui.review.urls")),
    path("v1/", include("facematch_ui.engine.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
