from django.urls import include, path, re_path

from moyeu.api.urls import unknown_route

urlpatterns = [
    path("", include("moyeu.core.ops.urls")),
    path("api/v1/", include("moyeu.api.urls")),
    # Any other /api/ path (an unknown version) answers a problem, not the web UI's HTML 404.
    re_path(r"^api/(?P<rest>.*)$", unknown_route),
    path("data/", include("moyeu.dataio.views.urls")),
    path("", include("moyeu.web.urls")),
]
