"""The web UI's addresses, and those of every module that has a ``views.urls``.

Module pages are mounted under ``/<module label>/`` in the namespace ``web:<label>``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from moyeu.core.registry import registry
from moyeu.web.navigation import module_views
from moyeu.web.views import auth, pages, saved_views, search

app_name = "web"


def _module_patterns() -> list[URLResolver]:
    patterns = []
    for spec in registry.modules():
        views = module_views(spec.label)
        if views is not None:
            patterns.append(path(f"{spec.label}/", include((views, spec.label))))
    return patterns


urlpatterns: list[URLPattern | URLResolver] = [
    path("", pages.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("jobs/", pages.jobs, name="jobs"),
    path("search/", search.search_page, name="search"),
    path("search/suggestions/", search.suggestions, name="search_suggestions"),
    path("search/rebuild/", search.rebuild, name="search_rebuild"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("saved-views/<str:record_type>/", saved_views.panel, name="saved_views"),
    path("saved-views/<str:record_type>/save/", saved_views.save, name="saved_view_save"),
    path("saved-views/<uuid:view_id>/delete/", saved_views.delete, name="saved_view_delete"),
    *_module_patterns(),
]
