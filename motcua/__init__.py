# SPDX-License-Identifier: AGPL-3.0-or-later
"""motcua — một cửa: the digital one-stop administration of a Vietnamese province."""

__version__ = "0.1.0"
