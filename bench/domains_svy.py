"""svy's side of bench/run-domains.sh: domain means with SEs of score in every municipality-by-age
domain, timed per step as "step seconds" lines (bench/timing.R's format). With --check, also prints
"check MUNICIPALITY.AGE estimate se" lines. Usage: python3 bench/domains_svy.py FILE [--check]"""
import sys
import time

from svy_timing import start, svy, t

data = t("read", lambda: svy.read_csv(sys.argv[1]))
sample = t("design", lambda: svy.Sample(data, svy.Design(stratum="stratum", psu="psu", wgt="weight")))
domains = t("domains", lambda: sample.estimation.mean("score", by=("municipality", "age")).to_polars())
print(f"total {time.perf_counter() - start:.3f}")
if "--check" in sys.argv[2:]:
    for r in domains.iter_rows(named=True):
        print(f"check {r['municipality']}.{r['age']} {r['est']!r} {r['se']!r}")
