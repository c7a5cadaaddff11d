from django.urls import include, path

urlpatterns = [
    path("", include("moyeu.web.urls")),
    path("api/v1/", include("moyeu.api.urls")),
]
