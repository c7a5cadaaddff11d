"""Settings of the kanban benchmark: Moyeu's own, plus the bare board view (bench only)."""

from moyeu.settings import *  # noqa: F403

ROOT_URLCONF = "pipeline_urls"

# In-process requests through the test client; 200 bench users need no slow password hash.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
