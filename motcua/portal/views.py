# SPDX-License-Identifier: AGPL-3.0-or-later
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from motcua.units.models import Unit
from motcua.units.selectors import unit_list


def home(request):
    today = timezone.localdate()
    province = Unit.objects.filter(code=settings.MOTCUA_PROVINCE_CODE).first()
    context = {
        "province": province,
        "province_count": unit_list(active_on=today).provinces().count(),
        "commune_count": unit_list(active_on=today).communes().count(),
        "local_commune_count": (
            unit_list(parent=province, active_on=today).communes().count() if province else 0
        ),
    }
    return render(request, "portal/home.html", context)
