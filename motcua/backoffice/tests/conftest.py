# SPDX-License-Identifier: AGPL-3.0-or-later
from motcua.dossiers.tests.conftest import world  # noqa: F401
