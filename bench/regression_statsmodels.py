"""statsmodels' side of the regression benchmark: weighted least squares and a weighted logistic
GLM with 15 coefficients and cluster-robust (PSU) standard errors, timed per step.
Usage: python3 bench/regression_statsmodels.py FILE (needs pandas and statsmodels)."""
import sys
import time

import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf


def timed(label, thunk):
    start = time.perf_counter()
    value = thunk()
    print(f"{label} {time.perf_counter() - start:.3f}")
    return value


data = timed("read", lambda: pd.read_csv(sys.argv[1]))
rhs = "minority + age + C(edu) + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"
groups = {"groups": data["psu"]}
timed("linear", lambda: smf.wls("score ~ " + rhs, data, weights=data["weight"]).fit(cov_type="cluster", cov_kwds=groups))
timed("logistic", lambda: smf.glm("unemployed ~ " + rhs, data, family=sm.families.Binomial(),
                                  var_weights=data["weight"]).fit(cov_type="cluster", cov_kwds=groups))
