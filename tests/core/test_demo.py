"""`moyeu load_demo`: idempotent, logins work, teams and roles as the README describes."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from moyeu.core.context import Actor
from moyeu.core.demo import DEMO_PASSWORD, DEMO_SYSTEM
from moyeu.core.models import AuditEntry, ExternalId
from moyeu.directory.models import Account, Contact
from moyeu.identity.models import Role, Team, User

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "teams": Team.objects.count(),
        "roles": Role.objects.count(),
        "accounts": Account.objects.count(),
        "contacts": Contact.objects.count(),
        "demo_ids": ExternalId.objects.filter(system=DEMO_SYSTEM).count(),
        "audit": AuditEntry.objects.count(),
    }


def test_loading_twice_creates_nothing_new() -> None:
    load()
    first = counts()
    load()
    assert first == {
        "users": 5,
        "teams": 3,
        "roles": 3,
        "accounts": 16,
        "contacts": 52,
        # 30 demo activities (moyeu.activities.demo): 4 on each of the first 6 contacts and
        # an upcoming meeting each attends; 15 sales records (6 products, 3 price lists,
        # 2 conditions, 4 quotes), 40 demo opportunities.
        "demo_ids": 153,
        # 78 for identity and directory, 8 documents uploaded, 30 activities logged, 22 sales
        # (company, catalogue 11, 4 quotes created, 3 issued, 1 accepted with its order,
        # 1 declined), 1 webhook subscription (inactive) for the integration console;
        # pipelines: 2, 40 opportunities created, 12 of them moved.
        "audit": 193,
    }
    assert counts() == first


def test_every_printed_login_signs_in() -> None:
    output = load()
    printed = [line.split()[0] for line in output.split("Demo logins")[1].splitlines()[1:]]
    assert printed == ["admin", "claire", "julien", "lucia", "thomas"]
    for username in printed:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None and user.username == username
    assert authenticate(username="claire", password="wrong") is None


def test_teams_and_roles() -> None:
    load()
    tree = {t.name: t.parent.name if t.parent else None for t in Team.objects.all()}
    assert tree == {"Ventes": None, "Ventes Europe": "Ventes", "Support": None}
    placement = {
        u.username: (
            [(m.team.name, m.is_manager) for m in u.memberships.all()],
            [r.name for r in u.roles.all()],
            u.is_superuser,
        )
        for u in User.objects.all()
    }
    assert placement == {
        "admin": ([], [], True),
        "claire": ([("Ventes", True)], ["Responsable commercial"], False),
        "julien": ([("Support", False)], ["Support client"], False),
        "lucia": ([("Ventes Europe", False)], ["Commercial"], False),
        "thomas": ([("Ventes", False)], ["Commercial"], False),
    }
    grants = {g.action: g.scope for g in Role.objects.get(name="Commercial").grants.all()}
    assert grants == {
        "view": "team",
        "create": "own",
        "change": "own",
        "delete": "own",
        "export": "own",
    }


def test_access_rules_show_in_the_demo() -> None:
    load()

    def visible(username: str, action: str) -> tuple[int, int]:
        actor = Actor(user=User.objects.get(username=username))
        return (
            Account.objects.visible_to(actor, action).count(),
            Contact.objects.visible_to(actor, action).count(),
        )

    # The manager sees Ventes and its sub-team Ventes Europe, not Support's records.
    assert visible("claire", "view") == (14, 46)
    assert visible("thomas", "view") == (8, 27)
    assert visible("thomas", "change") == (5, 18)
    assert visible("lucia", "view") == (6, 19)
    # Support looks everything up but changes only its own team's records.
    assert visible("julien", "view") == (16, 52)
    assert visible("julien", "change") == (2, 6)
    assert visible("julien", "delete") == (0, 0)


def test_demo_records_are_realistic() -> None:
    load()
    contact = Contact.objects.get(email="anne-sophie.girard@soieries-bellecour.example")
    assert (contact.first_name, contact.last_name, contact.job_title) == (
        "Anne-Sophie",
        "Girard",
        "Directrice générale",
    )
    assert contact.account is not None and contact.account.name == "Soieries Bellecour"
    assert contact.owner is not None and contact.owner.username == "thomas"
    assert contact.team is not None and contact.team.name == "Ventes"
    cities = set(Account.objects.values_list("city", flat=True))
    assert {"Lyon", "Nantes", "Lille", "Bruxelles", "Genève", "Barcelona"} <= cities
    assert Contact.objects.filter(account__isnull=True).count() == 3


def test_a_changed_demo_record_is_kept() -> None:
    load()
    Account.objects.filter(name="Soieries Bellecour").update(city="Villeurbanne")
    load()
    assert list(
        Account.objects.filter(name="Soieries Bellecour").values_list("city", flat=True)
    ) == ["Villeurbanne"]


def test_refuses_an_admin_username_that_is_not_an_administrator() -> None:
    User.objects.create_user("admin", "someone@moyeu.test", "Not-the-admin-2026")
    with pytest.raises(CommandError, match="exists but is not an active administrator"):
        load()
    assert Team.objects.count() == 0


def test_demo_phone_numbers_and_addresses_are_well_formed() -> None:
    from moyeu.directory.demo import ascii_slug, mobile_number

    assert ascii_slug("Van den Broeck") == "van-den-broeck"
    assert ascii_slug("Lucía Fernández") == "lucia-fernandez"
    assert mobile_number("FR", "seed") == mobile_number("FR", "seed")
    assert [len(mobile_number(c, "Jordi Puig").replace(" ", "")) for c in ("FR", "ES", "CH")] == [
        12,
        12,
        12,
    ]
    assert mobile_number("BE", "x").startswith("+32 47")
