# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms 01–05 of Circular 01/2018/TT-VPCP (biểu mẫu một cửa): content, PDF, printable pages."""
