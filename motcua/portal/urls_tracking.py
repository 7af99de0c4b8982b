# SPDX-License-Identifier: AGPL-3.0-or-later
"""Portal pages: tracking (included by portal/urls.py, namespace "portal")."""

urlpatterns: list = []
