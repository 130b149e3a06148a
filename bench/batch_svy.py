"""svy's side of bench/run-batch.sh: the same five analyses as bench/batch.yaml and bench/batch.R
with Python's svy (Polars with a Rust core), timed per step as "step seconds" lines and a "total"
line, in batch.R's format. With --check, also prints the estimates as "check NAME estimate se"
lines (bench/compare_batch.py puts them next to disparity's and R's).
Usage: python3 bench/batch_svy.py FILE [--check]
svy is benchmark tooling only, never a dependency of disparity (pip install svy).
svy sets its design up lazily: svy.Sample is cheap and the first estimate (the mean) carries a
one-time cost of seconds on 1M rows, so compare design + mean, not each alone."""
import sys
import time

from svy_timing import start, svy, t

path = sys.argv[1]
check = "--check" in sys.argv[2:]
checks = []

data = t("read", lambda: svy.read_csv(path))
sample = t("design", lambda: svy.Sample(data, svy.Design(stratum="stratum", psu="psu", wgt="weight")))
terms = ["minority", "age", svy.Cat("edu"), *[f"x{i}" for i in range(1, 9)]]

# Each step turns its result into a Polars frame, so nothing is left to compute lazily afterwards.
mean = t("mean", lambda: sample.estimation.mean("score").to_polars())
gap = t("gap", lambda: sample.estimation.mean("score", by="minority").contrast(svy.estd(1) - svy.estd(0)).to_polars())
linear = t("linear", lambda: sample.glm.fit(y="score", x=terms, family="gaussian").to_polars())
logistic = t("logistic", lambda: sample.glm.fit(y="unemployed", x=terms, family="binomial").to_polars())
quantile = t("quantile", lambda: sample.estimation.quantile("score", p=0.25).to_polars())
print(f"total {time.perf_counter() - start:.3f}")

if check:
    def row(frame, i=0):
        return frame.row(i, named=True)

    print("check mean {est!r} {se!r}".format(**row(mean)))
    print("check gap {est!r} {se!r}".format(**row(gap)))
    for name, frame in (("linear", linear), ("logistic", logistic)):
        for r in frame.iter_rows(named=True):
            term = r["term"].replace("_intercept_", "(Intercept)")
            term = term.replace("edu_", "edu[") + "]" if term.startswith("edu_") else term
            print(f"check {name}:{term} {r['estimate']!r} {r['std_err']!r}")
    q = row(quantile)
    print(f"check quantile {q['est']!r} {q['se']!r} {q['lci']!r} {q['uci']!r}")
