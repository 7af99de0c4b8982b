# SPDX-License-Identifier: AGPL-3.0-or-later
from .models import AuditEvent


def audit_record(
    *, action: str, obj=None, object_type: str = "", object_id: str = "", actor=None, data: dict | None = None
) -> AuditEvent:
    """Write one audit row (for an object, or for a batch named by type and id); call inside the
    service's transaction so the row exists exactly when the change does."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    return AuditEvent.objects.create(
        action=action, object_type=object_type, object_id=object_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data or {},
    )
