from django.urls import path

app_name = "engine"
urlpatterns: list = []
