"""Operations URLs, included at the site root (no language prefix, no authentication)."""

from django.urls import path

from moyeu.core.ops import views

app_name = "ops"

urlpatterns = [
    path("health/live", views.live, name="live"),
    path("health/ready", views.ready, name="ready"),
    path("metrics", views.prometheus, name="metrics"),
]
