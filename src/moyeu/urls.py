from django.urls import include, path

urlpatterns = [
    path("", include("moyeu.core.ops.urls")),
    path("api/v1/", include("moyeu.api.urls")),
    path("", include("moyeu.web.urls")),
]
