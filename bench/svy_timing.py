"""Shared by the svy benchmark scripts (bench/*_svy.py), as bench/timing.R is by R's: svy (Python's
svy package, benchmark tooling only, never a dependency of disparity) on two threads, as R's
data.table and the machine the numbers are meant for; t(label, body), which calls body() and prints
"label seconds"; and the clock `start`."""
import os
import time

os.environ.setdefault("POLARS_MAX_THREADS", "2")
os.environ.setdefault("RAYON_NUM_THREADS", "2")

import svy  # noqa: E402,F401  (the scripts take it from here, after the thread settings)


def t(label, body):
    begun = time.perf_counter()
    value = body()
    print(f"{label} {time.perf_counter() - begun:.3f}", flush=True)
    return value


start = time.perf_counter()
