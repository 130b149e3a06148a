"""svy's side of bench/run-categories.sh: the share of every level of code with its SE, timed per
step as "step seconds" lines (bench/timing.R's format). With --check, also prints
"check LEVEL estimate se" lines. Usage: python3 bench/categories_svy.py FILE [--check]"""
import sys
import time

from svy_timing import start, svy, t

data = t("read", lambda: svy.read_csv(sys.argv[1]))
sample = t("design", lambda: svy.Sample(data, svy.Design(stratum="stratum", psu="psu", wgt="weight")))
shares = t("shares", lambda: sample.estimation.prop("code").to_polars())
print(f"total {time.perf_counter() - start:.3f}")
if "--check" in sys.argv[2:]:
    for r in shares.iter_rows(named=True):
        print(f"check {r['code']} {r['est']!r} {r['se']!r}")
