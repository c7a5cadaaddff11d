"""Settings of the benchmark's server: Moyeu's own, plus the bare view's URL (bench only)."""

from moyeu.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
