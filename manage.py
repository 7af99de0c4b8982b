#!/usr/bin/env python
# SPDX-License-Identifier: AGPL-3.0-or-later
from motcua.__main__ import main

if __name__ == "__main__":
    main()
