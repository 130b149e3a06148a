"""svy's side of bench/run-replicates.sh: on one file with 80 bootstrap replicate weights
(bench/gen_replicates.py), a mean, domain means (minority by edu), a linear and a logistic regression, each
under linearization (method="taylor") and under the replicate weights (method="replication"),
timed per step as "step seconds" lines (bench/timing.R's format). The bootstrap's scale is set to
1/(R-1), R's and disparity's (svy's default is 1/R). With --check, also prints "check NAME
estimate se" lines for the replicate results. Usage: python3 bench/replicates_svy.py FILE [--check]"""
import sys
import time

from svy_timing import start, svy, t

data = t("read", lambda: svy.read_csv(sys.argv[1]))
R = sum(1 for c in data.columns if c.startswith("repw"))
reps = svy.BootstrapWgts(prefix="repw", n_reps=R, scale=1 / (R - 1))
sample = t("design_rep", lambda: svy.Sample(data, svy.Design(stratum="stratum", psu="psu", wgt="weight", rep_wgts=reps)))
terms = ["minority", "age", svy.Cat("edu"), *[f"x{i}" for i in range(1, 9)]]
out = {}
for method, name in (("taylor", "lin"), ("replication", "rep")):
    out[f"mean_{name}"] = t(f"mean_{name}", lambda: sample.estimation.mean("score", method=method).to_polars())
    out[f"by_{name}"] = t(f"by_{name}", lambda: sample.estimation.mean("score", by=("minority", "edu"), method=method).to_polars())
    out[f"linear_{name}"] = t(f"linear_{name}", lambda: sample.glm.fit(y="score", x=terms, family="gaussian", method=method).to_polars())
    out[f"logistic_{name}"] = t(f"logistic_{name}", lambda: sample.glm.fit(y="unemployed", x=terms, family="binomial", method=method).to_polars())
print(f"total {time.perf_counter() - start:.3f}")
if "--check" in sys.argv[2:]:
    m = out["mean_rep"].row(0, named=True)
    print(f"check mean_rep {m['est']!r} {m['se']!r}")
    for r in out["by_rep"].iter_rows(named=True):
        print(f"check by_rep:{r['minority']}.{r['edu']} {r['est']!r} {r['se']!r}")
    for model in ("linear", "logistic"):
        for r in out[f"{model}_rep"].iter_rows(named=True):
            term = r["term"].replace("_intercept_", "(Intercept)")
            term = term.replace("edu_", "edu[") + "]" if term.startswith("edu_") else term
            print(f"check {model}_rep:{term} {r['estimate']!r} {r['std_err']!r}")
