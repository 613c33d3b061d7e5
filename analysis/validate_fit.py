#!/usr/bin/env python3
"""The validation report of docs/validation.md: the same as `migsim-validate-fit` (python -m migsim.validate).

    .venv/bin/python analysis/validate_fit.py                       # kyrgyzstan, 10 seeds, scale 100
    .venv/bin/python analysis/validate_fit.py kyrgyzstan --seeds 20 --scale 10 -o out/validate-fit/full

Writes one PNG per observed series and fit_table.csv/.md, patterns.csv, comparison.csv and README.md.
"""

import sys

from migsim.validate import main

if __name__ == "__main__":
    sys.exit(main())
