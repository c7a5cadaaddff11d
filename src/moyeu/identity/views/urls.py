"""The admin area (superusers) and API tokens (everyone), under /identity/."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from moyeu.identity.views import (
    business_calendars,
    custom_fields,
    roles,
    teams,
    tokens,
    users,
    validation_rules,
)
from moyeu.web.records.config import MenuEntry

menu = [
    MenuEntry(_("Users"), "user_list", audience="admin"),
    MenuEntry(_("Teams"), "team_list", audience="admin"),
    MenuEntry(_("Roles"), "role_list", audience="admin"),
    MenuEntry(_("Custom fields"), "custom_field_list", audience="admin"),
    MenuEntry(_("Validation rules"), "validation_rule_list", audience="admin"),
    MenuEntry(_("Business calendars"), "business_calendar_list", audience="admin"),
    MenuEntry(_("API tokens"), "token_list", audience="user"),
]

urlpatterns = [
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<uuid:user_id>/", users.user_edit, name="user_edit"),
    path("users/<uuid:user_id>/active/", users.user_set_active, name="user_set_active"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<uuid:team_id>/", teams.team_edit, name="team_edit"),
    path("roles/", roles.role_list, name="role_list"),
    path("roles/new/", roles.role_create, name="role_create"),
    path("roles/<uuid:role_id>/", roles.role_edit, name="role_edit"),
    path("custom-fields/", custom_fields.field_list, name="custom_field_list"),
    path("custom-fields/new/", custom_fields.field_create, name="custom_field_create"),
    path("custom-fields/<uuid:definition_id>/", custom_fields.field_edit, name="custom_field_edit"),
    path(
        "custom-fields/<uuid:definition_id>/delete/",
        custom_fields.field_delete,
        name="custom_field_delete",
    ),
    path("business-calendars/", business_calendars.calendar_list, name="business_calendar_list"),
    path(
        "business-calendars/new/",
        business_calendars.calendar_create,
        name="business_calendar_create",
    ),
    path(
        "business-calendars/<uuid:calendar_id>/",
        business_calendars.calendar_edit,
        name="business_calendar_edit",
    ),
    path(
        "business-calendars/<uuid:calendar_id>/delete/",
        business_calendars.calendar_delete,
        name="business_calendar_delete",
    ),
    path("validation-rules/", validation_rules.rule_list, name="validation_rule_list"),
    path("validation-rules/new/", validation_rules.rule_create, name="validation_rule_create"),
    path(
        "validation-rules/<uuid:rule_id>/", validation_rules.rule_edit, name="validation_rule_edit"
    ),
    path(
        "validation-rules/<uuid:rule_id>/delete/",
        validation_rules.rule_delete,
        name="validation_rule_delete",
    ),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/new/", tokens.token_create, name="token_create"),
    path("tokens/<uuid:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
]
