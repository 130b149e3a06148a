#!/usr/bin/env python3
"""statsmodels_fixtures.py -- the independent oracle for disparity's robust regression variances.

What it makes (all under Tests/StatsEngineTests/Fixtures/statsmodels/):
  reg_a.csv     n = 300, 20 clusters (`cl`, integer ids), balanced text factor `g3`
                (east/north/west), weights `w` in [0.5, 3]
  reg_b.csv     n = 450, 24 clusters (`cl`, text ids), unbalanced factor `g3` (alpha/beta/gamma,
                gamma ~12%), skewed weights `w` (lognormal, about 0.2 to 9)
  reg_c.csv     n = 220, 18 clusters of very unequal size, factor `g3` (lo/mid/up), weights `w`;
                its models add the interaction x1:g3
  Each has numeric covariates x1, x2, a gaussian outcome y (heteroskedastic, with cluster
  effects), a 0/1 outcome yb (logistic) and a count yc (Poisson, overdispersed by cluster).
  expected.csv  statsmodels' estimates and standard errors for each analysis, one row per
                (case, term), with p-values and confidence intervals on the engine's df.

Cases per data set: OLS and WLS x {classical, hc0, hc1, hc2, hc3, cluster}; logistic and Poisson
GLM, unweighted and weighted, x {classical, hc0, hc1, cluster}: 28 per data set, 84 in all.

How to rerun (from the package root; needs statsmodels 0.15, pandas, scipy, patsy):
  pip install statsmodels pandas scipy
  python3 oracle/statsmodels_fixtures.py
The output is deterministic (fixed seed). The models are fitted to the CSV files as read back
(round-trip float parsing), i.e. to exactly the numbers the engine parses.
Tests/StatsEngineTests/RobustCovarianceTests.swift checks the engine against expected.csv.

How statsmodels maps onto the engine's definitions (engine: CoefficientCovariance.swift and
RegressionEstimator.swift), each verified below by an independent numpy computation of the
engine's formula from the statsmodels fit (the script stops if any differs by more than 1e-9
relative):
  * OLS / WLS: `OLS(y, X).fit(cov_type=...)`, `WLS(y, X, weights=w).fit(cov_type=...)`.
    nonrobust = phi (X'WX)^-1 with phi = sum w e^2 / (n-p); HC0..HC3 use the whitened design
    and residuals, so the meat is sum w_i^2 e_i^2 x_i x_i' and h_i = w_i x_i'(X'WX)^-1 x_i:
    exactly the engine's. HC1 = HC0 n/(n-p). cluster (use_correction=True, the default) =
    G/(G-1) (n-1)/(n-p) sum_g s_g s_g' sandwiched: the engine's CR1. Fitted with
    use_t=True (statsmodels' default for robust OLS/WLS covariances is the normal), its own
    p-values and intervals use t with df n-p (nonrobust, HCx) and G-1 (cluster, its
    df_resid_inference): the engine's, and the script checks that its scipy p-values and
    intervals equal statsmodels' for these fits.
  * GLM (Binomial, Poisson; canonical links): the engine's weights are R's prior weights,
    which are statsmodels' `var_weights`: score_obs = var_w (y-mu) x (canonical link, scale 1),
    so the meat is sum w_i^2 (y_i-mu_i)^2 x_i x_i', as the engine's. `freq_weights` would NOT
    match: statsmodels' sandwich divides freq-weighted scores by sqrt(freq_w) for HCx (meat
    sum w_i (y_i-mu_i)^2 x_i x_i', case replication) though not for clusters; the point
    estimates and the classical covariance are the same under both. nobs and df_resid with
    var_weights are the row count n and n-p, as the engine's.
  * GLM nonrobust: (X'WX)^-1 with scale 1 for binomial and Poisson, fitted on var_weights
    w / mean(w) (the weights normalised to mean 1; R's glm(weights = w / mean(w))): the
    engine's classical, whose standard errors do not depend on the weights' scale. (On w
    itself, scale 1 takes the weights as frequency weights: weights x 100, a tenth the SEs.)
    The other covariances are the same on w and on w / mean(w).
  * GLM HC1: statsmodels' GLM results have no cov_HC1 attribute, so get_robustcov_results
    falls back to sandwich_covariance.cov_white_simple(use_correction=False) for every HCx:
    its GLM 'HC1' (and 'HC2', 'HC3') is HC0, silently. The engine's hc1 is HC0 n/(n-p); the
    fixture applies that factor (SE times sqrt(n/(n-p))) to statsmodels' HC1 covariance.
    (The script asserts that statsmodels' GLM HC1 equals its HC0.)
  * GLM cluster: sandwich_covariance.cov_cluster with the same G/(G-1)(n-1)/(n-p) as for
    OLS (n = rows, p = parameters): the engine's. No factor is needed.
  * Inference: statsmodels GLMs default to normal p-values and intervals (use_t=False). The
    engine uses t with df n-p for classical and HCx, G-1 for cluster, for every family. The
    fixture's p_value, conf_low and conf_high are therefore computed from statsmodels'
    estimate and standard error with scipy's t distribution on the engine's df (the `df`
    column), for all cases alike (level 0.95).

Columns of expected.csv:
  case        id of one analysis (one engine request)
  data        data set name (without .csv)
  formula     the model in the engine's R syntax
  family      gaussian | binomial | poisson
  covariance  classical | hc0 | hc1 | hc2 | hc3 | cluster (the engine's CovarianceType)
  weights     weight column (prior weights), or empty
  cluster     cluster column (the design's PSUs), or empty
  term        the engine's coefficient name: (Intercept), x1, g3[L] (L a non-reference level;
              the reference is the first sorted level), x1:g3[L]
  estimate, std_error, p_value, conf_low, conf_high, df
              numbers as Python repr (shortest round-trip text of the double)
"""

import os
import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from patsy import dmatrices
from scipy import stats
from statsmodels.tools.sm_exceptions import SpecificationWarning

# "cov_type not fully supported with var_weights" (cluster with var_weights): the numpy
# re-computation below checks that what it gives is the engine's definition.
warnings.simplefilter("ignore", SpecificationWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "StatsEngineTests", "Fixtures", "statsmodels")
LEVEL = 0.95
CHECK_RTOL = 1e-9  # numpy re-computation of the engine's formulas vs (corrected) statsmodels


def fmt(v, digits):
    return f"{v:.{digits}g}"


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

def make_data(rng, n, n_clusters, levels, level_p, cluster_ids, weight_kind, size_skew):
    # Cluster sizes: every cluster gets at least 3 rows, the rest by (possibly skewed) shares.
    share = rng.dirichlet(np.full(n_clusters, 1.0 / size_skew))
    extra = rng.multinomial(n - 3 * n_clusters, share)
    sizes = extra + 3
    cl_index = np.repeat(np.arange(n_clusters), sizes)
    rng.shuffle(cl_index)
    u = rng.normal(0, 1, n_clusters)  # cluster effects
    x1 = rng.normal(0, 1, n) + 0.5 * u[cl_index]
    x2 = rng.uniform(0, 4, n)
    g3 = rng.choice(levels, size=n, p=level_p)
    gi = np.array([levels.index(v) for v in g3])
    if weight_kind == "uniform":
        w = rng.uniform(0.5, 3.0, n)
    else:
        w = np.exp(rng.normal(0, 0.8, n))
    # Outcomes: heteroskedastic gaussian with cluster effects; logistic; overdispersed Poisson.
    eff = np.array([0.0, 0.6, -0.4])[gi]
    y = 1.0 + 0.8 * x1 - 0.5 * x2 + eff + 0.7 * u[cl_index] + rng.normal(0, 1, n) * (0.5 + 0.4 * x2)
    eta_b = -0.3 + 0.7 * x1 - 0.3 * x2 + np.array([0.0, 0.5, -0.6])[gi] + 0.4 * u[cl_index]
    yb = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta_b))).astype(int)
    eta_c = 0.4 + 0.3 * x1 + 0.15 * x2 + np.array([0.0, -0.3, 0.25])[gi] + 0.3 * u[cl_index]
    yc = rng.poisson(np.exp(eta_c + rng.normal(0, 0.3, n)))
    return pd.DataFrame({
        "y": [fmt(v, 6) for v in y],
        "yb": yb,
        "yc": yc,
        "x1": [fmt(v, 6) for v in x1],
        "x2": [fmt(v, 5) for v in x2],
        "g3": g3,
        "w": [fmt(v, 5) for v in w],
        "cl": [cluster_ids[i] for i in cl_index],
    })


DATASETS = {
    "reg_a": dict(n=300, n_clusters=20, levels=["east", "north", "west"], level_p=[0.34, 0.33, 0.33],
                  cluster_ids=[str(101 + i) for i in range(20)], weight_kind="uniform", size_skew=0.2),
    "reg_b": dict(n=450, n_clusters=24, levels=["alpha", "beta", "gamma"], level_p=[0.5, 0.38, 0.12],
                  cluster_ids=[f"site{chr(65 + i)}" for i in range(24)], weight_kind="lognormal", size_skew=0.5),
    "reg_c": dict(n=220, n_clusters=18, levels=["lo", "mid", "up"], level_p=[0.3, 0.3, 0.4],
                  cluster_ids=[f"k{i:02d}" for i in range(18)], weight_kind="uniform", size_skew=2.0),
}

# The engine's formula and the patsy formula of the same design (treatment coding with the
# first sorted level as reference, which patsy's C() uses for strings).
FORMULAS = {
    "reg_a": {"y": ("y ~ x1 + x2 + g3", "y ~ x1 + x2 + C(g3)"),
              "yb": ("yb ~ x1 + x2 + g3", "yb ~ x1 + x2 + C(g3)"),
              "yc": ("yc ~ x1 + x2 + g3", "yc ~ x1 + x2 + C(g3)")},
    "reg_b": {"y": ("y ~ x1 + x2 + factor(g3)", "y ~ x1 + x2 + C(g3)"),
              "yb": ("yb ~ x1 + x2 + factor(g3)", "yb ~ x1 + x2 + C(g3)"),
              "yc": ("yc ~ x1 + x2 + factor(g3)", "yc ~ x1 + x2 + C(g3)")},
    "reg_c": {"y": ("y ~ x1 + x2 + g3 + x1:g3", "y ~ x1 + x2 + C(g3) + x1:C(g3)"),
              "yb": ("yb ~ x1 + x2 + g3", "yb ~ x1 + x2 + C(g3)"),
              "yc": ("yc ~ x1 + x2 + g3 + x1:g3", "yc ~ x1 + x2 + C(g3) + x1:C(g3)")},
}


def engine_name(patsy_name):
    """patsy's column name in the engine's naming: Intercept -> (Intercept), C(g3)[T.L] -> g3[L]."""
    if patsy_name == "Intercept":
        return "(Intercept)"
    return patsy_name.replace("C(g3)[T.", "g3[")


# --------------------------------------------------------------------------------------------
# The engine's definitions, computed directly (the cross-check of the statsmodels mapping)
# --------------------------------------------------------------------------------------------

def engine_formula_covariance(X, y, w, beta, family, cov, groups):
    n, p = X.shape
    eta = X @ beta
    if family == "gaussian":
        mu, dmu, var = eta, np.ones(n), np.ones(n)
    elif family == "binomial":
        mu = 1 / (1 + np.exp(-eta)); dmu = mu * (1 - mu); var = mu * (1 - mu)
    else:
        mu = np.exp(eta); dmu = mu; var = mu
    omega = w * dmu ** 2 / var
    bread = np.linalg.inv(X.T @ (omega[:, None] * X))
    e = y - mu
    if cov == "classical":
        phi = np.sum(w * e ** 2) / (n - p) if family == "gaussian" else np.mean(w)
        return phi * bread
    u = (w * e * dmu / var)[:, None] * X
    if cov in ("hc0", "hc1", "hc2", "hc3"):
        h = omega * np.einsum("ij,jk,ik->i", X, bread, X)
        scale = {"hc0": 1.0, "hc1": 1.0, "hc2": 1 / np.sqrt(1 - h), "hc3": 1 / (1 - h)}[cov]
        us = u * (scale[:, None] if cov in ("hc2", "hc3") else scale)
        v = bread @ (us.T @ us) @ bread
        return v * n / (n - p) if cov == "hc1" else v
    codes = pd.factorize(groups)[0]
    G = codes.max() + 1
    s = np.zeros((G, p))
    np.add.at(s, codes, u)
    return G / (G - 1) * (n - 1) / (n - p) * (bread @ (s.T @ s) @ bread)


def rel_diff(a, b):
    """Largest elementwise relative difference; for covariance matrices each element is
    scaled by sqrt(b_ii b_jj), so near-zero covariances do not dominate."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if b.ndim == 2 and b.shape[0] == b.shape[1]:
        s = np.sqrt(np.outer(np.diag(b), np.diag(b)))
        return np.max(np.abs(a - b) / s)
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


# --------------------------------------------------------------------------------------------
# Fits
# --------------------------------------------------------------------------------------------

def fit_statsmodels(y, X, family, w, cov, groups):
    """statsmodels' covariance for the case, with the factor that turns it into the engine's
    definition applied (GLM HC1 only), its own t inference when comparable, and the params."""
    sm_cov = {"classical": "nonrobust", "cluster": "cluster"}.get(cov, cov.upper())
    kw = {"cov_type": sm_cov}
    if cov == "cluster":
        kw["cov_kwds"] = {"groups": pd.factorize(groups)[0]}
    own_t = None
    if family == "gaussian":
        model = sm.WLS(y, X, weights=w) if w is not None else sm.OLS(y, X)
        res = model.fit(use_t=True, **kw)
        V = np.asarray(res.cov_params())
        df = res.df_resid_inference if cov == "cluster" else res.df_resid
        own_t = (np.asarray(res.pvalues), np.asarray(res.conf_int(alpha=1 - LEVEL)), df)
    else:
        fam = sm.families.Binomial() if family == "binomial" else sm.families.Poisson()
        if cov == "classical" and w is not None:
            w = w / w.mean()
        model = sm.GLM(y, X, family=fam, var_weights=w) if w is not None else sm.GLM(y, X, family=fam)
        res = model.fit(tol=1e-13, tol_criterion="params", maxiter=200, **kw)
        assert res.converged
        V = np.asarray(res.cov_params())
        if cov == "hc1":
            # statsmodels' GLM 'HC1' is HC0 (cov_white_simple(use_correction=False)); the
            # engine's hc1 is HC0 * n/(n-p).
            hc0 = np.asarray(model.fit(tol=1e-13, tol_criterion="params", maxiter=200, cov_type="HC0").cov_params())
            assert rel_diff(V, hc0) < 1e-12, "statsmodels GLM HC1 is expected to equal its HC0"
            n, p = X.shape
            V = V * n / (n - p)
        if w is not None:
            # var_weights (R's prior weights) is the engine's weighting; freq_weights is not.
            fres = sm.GLM(y, X, family=fam, freq_weights=w).fit(tol=1e-13, tol_criterion="params", maxiter=200)
            assert rel_diff(np.asarray(fres.params), np.asarray(res.params)) < 1e-8
    return np.asarray(res.params), V, own_t, res


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    for name, spec in DATASETS.items():
        make_data(rng, **spec).to_csv(os.path.join(OUT, f"{name}.csv"), index=False)

    rows = []
    freq_vs_var = []
    for name in DATASETS:
        data = pd.read_csv(os.path.join(OUT, f"{name}.csv"),
                           dtype={"g3": str, "cl": str})
        raw = pd.read_csv(os.path.join(OUT, f"{name}.csv"), dtype=str)
        for col in ("y", "x1", "x2", "w", "yb", "yc"):
            # The numbers fitted are exactly the correctly rounded decimals the engine parses.
            assert all(float(t) == v for t, v in zip(raw[col], data[col])), (name, col)
        groups = data["cl"].to_numpy()
        n_clusters = len(np.unique(groups))
        plan = []
        for weights in (None, "w"):
            for cov in ("classical", "hc0", "hc1", "hc2", "hc3", "cluster"):
                plan.append(("y", "gaussian", weights, cov))
        for outcome, family in (("yb", "binomial"), ("yc", "poisson")):
            for weights in (None, "w"):
                for cov in ("classical", "hc0", "hc1", "cluster"):
                    plan.append((outcome, family, weights, cov))
        for outcome, family, weights, cov in plan:
            formula, patsy_formula = FORMULAS[name][outcome]
            yv, Xdf = dmatrices(patsy_formula, data, return_type="dataframe")
            terms = [engine_name(c) for c in Xdf.columns]
            y = yv.iloc[:, 0].to_numpy()
            X = Xdf.to_numpy()
            n, p = X.shape
            w = data[weights].to_numpy(dtype=float) if weights else None
            beta, V, own_t, res = fit_statsmodels(y, X, family, w, cov, groups if cov == "cluster" else None)
            # Independent check of the mapping: the engine's formula on the statsmodels fit.
            mine = engine_formula_covariance(X, y, w if w is not None else np.ones(n), beta, family, cov, groups)
            d = rel_diff(V, mine)
            case = f"{name}_{family}_{'wt' if weights else 'unwt'}_{cov}"
            if d > CHECK_RTOL:
                sys.exit(f"{case}: statsmodels and the engine's formula differ by {d:.3g} relative")
            df = float(n_clusters - 1) if cov == "cluster" else float(n - p)
            se = np.sqrt(np.diag(V))
            tstat = beta / se
            pval = 2 * stats.t.sf(np.abs(tstat), df)
            crit = stats.t.ppf(1 - (1 - LEVEL) / 2, df)
            low, high = beta - crit * se, beta + crit * se
            if own_t is not None:
                sp, sci, sdf = own_t
                assert sdf == df, (case, sdf, df)
                assert rel_diff(pval, sp) < 1e-9 and rel_diff(np.column_stack([low, high]), sci) < 1e-12, case
            if family != "gaussian" and weights and cov == "hc0":
                fw = sm.GLM(y, X, family=res.model.family, freq_weights=w).fit(tol=1e-13, tol_criterion="params", maxiter=200, cov_type="HC0")
                freq_vs_var.append(np.max(np.abs(np.sqrt(np.diag(fw.cov_params())) / se - 1)))
            for j, term in enumerate(terms):
                rows.append({
                    "case": case, "data": name, "formula": formula, "family": family, "covariance": cov,
                    "weights": weights or "", "cluster": "cl" if cov == "cluster" else "",
                    "term": term, "estimate": repr(float(beta[j])), "std_error": repr(float(se[j])),
                    "p_value": repr(float(pval[j])), "conf_low": repr(float(low[j])),
                    "conf_high": repr(float(high[j])), "df": repr(df),
                })
    out = pd.DataFrame(rows)
    out.to_csv(os.path.join(OUT, "expected.csv"), index=False)
    print(f"statsmodels {statsmodels.__version__}: {out['case'].nunique()} cases, {len(out)} rows -> {os.path.normpath(OUT)}")
    print(f"(GLM HC0 SEs with freq_weights instead of var_weights differ by up to {100 * max(freq_vs_var):.0f}%)")


if __name__ == "__main__":
    main()
