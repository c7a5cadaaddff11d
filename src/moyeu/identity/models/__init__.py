from moyeu.identity.models.roles import Role, RoleGrant, Scope
from moyeu.identity.models.teams import Membership, Team
from moyeu.identity.models.tokens import ApiToken
from moyeu.identity.models.users import User

__all__ = ["ApiToken", "Membership", "Role", "RoleGrant", "Scope", "Team", "User"]
