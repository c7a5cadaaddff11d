"""Settings of the search benchmark's server: Moyeu's own, plus the bare search view."""

from bench_settings import *  # noqa: F403

ROOT_URLCONF = "search_urls"
