# SPDX-License-Identifier: AGPL-3.0-or-later
"""Permission helpers every selector uses: which units a user may see, in which a user may act.

Rules (docs/permissions.md): a role held in a unit covers that unit and everything under it (a
province administrator or dashboard viewer at the province sees the whole province) and the history of
the units it succeeded; acting needs the role in the unit itself, administration also in an ancestor.
Citizens hold no roles: they only ever see their own records (filtered by each app's selectors).
"""

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from motcua.units.models import Unit
from motcua.units.selectors import unit_scope_q

from .models import Role, RoleAssignment, active_assignment_q

ADMIN_ROLES = (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN)


def user_assignments(user) -> list[RoleAssignment]:
    """Active role assignments, read once per user object (a request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_motcua_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(active_assignment_q(timezone.localdate()), user=user)
            .select_related("unit")
        )
        user._motcua_assignments = cached
    return cached


def user_sees_everything(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def user_visible_units_q(user, *, fields: tuple[str, ...] = ("path",), roles: Iterable[str] | None = None) -> Q:
    """Q over unit path fields (e.g. ("handling_unit__path", "receiving_unit__path")): a row matches when
    any of them is a unit `user` may see."""
    if user_sees_everything(user):
        return Q()
    wanted = set(roles) if roles is not None else None
    paths = {a.unit.path for a in user_assignments(user) if wanted is None or a.role in wanted}
    if not paths:
        return Q(pk__in=[])
    return unit_scope_q(paths, fields=fields)


def user_may_see_unit(user, unit: Unit) -> bool:
    if user_sees_everything(user):
        return True
    return Unit.objects.filter(user_visible_units_q(user), pk=unit.pk).exists()


def user_has_role(user, unit: Unit, roles: Role | Iterable[Role]) -> bool:
    """May `user` act in `unit` with one of `roles`? Held in the unit itself (admin roles: or above it)."""
    if user_sees_everything(user):
        return True
    roles = {roles} if isinstance(roles, str) else set(roles)
    ancestors = set(unit.ancestor_codes)
    for assignment in user_assignments(user):
        if assignment.role not in roles:
            continue
        if assignment.unit_id == unit.pk:
            return True
        if assignment.role in ADMIN_ROLES and assignment.unit.code in ancestors:
            return True
    return False


def user_may_administer(user, unit: Unit) -> bool:
    return user_has_role(user, unit, ADMIN_ROLES)
