"""What every module's demo loader shares: the system name of demo records and the password.

``moyeu load_demo`` creates the administrator, then calls each module's ``demo_loader``
(declared on its ModuleConfig) with that administrator as the actor. Loaders go through their
module's services and are idempotent: they find what they created before by natural key or by
the external id ``demo:<key>``, so running the command twice creates nothing new.
"""

from __future__ import annotations

DEMO_SYSTEM = "demo"  # external id system of demo records
DEMO_PASSWORD = "Moyeu-demo-2026"  # noqa: S105 (printed to the person trying the demo)
DEMO_ADMIN_USERNAME = "admin"
