"""Average marginal effects of a logistic model from statsmodels (Logit.get_margeff, at='overall',
method='dydx', dummy=True for 0/1 regressors, count=False), with delta-method standard errors
from the classical (model-based) covariance: the oracle for `regress --marginal-effects
--vcov classical`. Writes Tests/StatsEngineTests/Fixtures/margins/{logit.csv,expected.csv}.
Usage: python3 oracle/margins_fixtures.py (needs numpy, pandas, statsmodels)."""
import numpy as np
import pandas as pd
import statsmodels.api as sm

rng = np.random.default_rng(20261125)
n = 600
age = rng.uniform(18, 66, n).round(1)
minority = (rng.random(n) < 0.3).astype(int)
income = rng.lognormal(3, 0.4, n).round(3)
eta = -1.0 + 0.8 * minority - 0.03 * (age - 40) + 0.02 * income
y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
data = pd.DataFrame({"y": y, "age": age, "minority": minority, "income": income})
out = "Tests/StatsEngineTests/Fixtures/margins/"
data.to_csv(out + "logit.csv", index=False)
data = pd.read_csv(out + "logit.csv")

X = sm.add_constant(data[["minority", "age", "income"]])
fit = sm.Logit(data["y"], X).fit(disp=0, tol=1e-14, maxiter=100)
margins = fit.get_margeff(at="overall", method="dydx", dummy=True).summary_frame()
rows = []
for term in ["minority", "age", "income"]:
    rows.append({"term": term, "estimate_pp": repr(float(100 * margins.loc[term, "dy/dx"])),
                 "std_error_pp": repr(float(100 * margins.loc[term, "Std. Err."]))})
pd.DataFrame(rows).to_csv(out + "expected.csv", index=False)
