# SPDX-License-Identifier: AGPL-3.0-or-later
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class ExternalIdentity(TimeStampedModel):
    """External identity (định danh điện tử liên kết): the account an identity provider's subject (`sub`,
    e.g. of VNeID) logs in to. One subject of one provider ↔ one account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
                             related_name="external_identities")
    provider = models.CharField(_("nhà cung cấp định danh"), max_length=32)
    subject = models.CharField(_("mã định danh (sub)"), max_length=255)
    last_login_at = models.DateTimeField(_("đăng nhập gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("định danh điện tử liên kết")
        verbose_name_plural = _("định danh điện tử liên kết")
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.user}"
