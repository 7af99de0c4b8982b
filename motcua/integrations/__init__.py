# SPDX-License-Identifier: AGPL-3.0-or-later
"""Integrations: notifications, payments, identity (OIDC); each a Django app with client.py + services.py."""
