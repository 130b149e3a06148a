#!/usr/bin/env python3
"""Writes Tests/StatsEngineTests/Fixtures/distributions.csv.

Reference values for the probability distributions in
Sources/StatsEngine/Distributions.  Every expected value is computed with
mpmath at 60 significant digits from the exact binary value of each double
input, and cross-checked against scipy.stats (scipy/Boost is accurate to
~1e-15 in the bulk but not for shape parameters ~1e7 or the far tails, which is
why it is only the cross-check).  Rows whose scipy value disagrees by more than
1e-9 relative are listed on stderr for information.

mpmath's own betainc/gammainc either fail to converge or are very slow for
shape parameters ~1e7, so the incomplete beta and gamma functions are
evaluated here from their classical continued fractions / series in 60-digit
arithmetic (Numerical Recipes' even/odd beta fraction, Legendre's gamma
fraction), which converge for every argument and are independent of the
algorithms used in the Swift code.  Quantiles are the 60-digit roots of
cdf(x) = p (or sf(x) = 1 - p, computed exactly, for p > 1/2) found by
bracketing bisection followed by Newton steps.

Usage: python3 oracle/distributions.py [output.csv]
CSV columns: function,p1,p2,p3,x,expected  (x is the argument, or p for *_ppf)
"""
import math
import os
import sys

import mpmath as mp
import numpy as np
from scipy import stats

mp.mp.dps = 60
TOL = mp.mpf(10) ** -48
TINY = mp.mpf(10) ** -400


# --------------------------------------------------------------------------
# 60-digit special functions
# --------------------------------------------------------------------------
def _lentz(b0, term, maxit=5_000_000):
    """b0 + a1/(b1 + a2/(b2 + ...)) by modified Lentz; term(n) -> (a_n, b_n)."""
    f = b0 if b0 != 0 else TINY
    c, d = f, mp.mpf(0)
    for n in range(1, maxit):
        an, bn = term(n)
        d = bn + an * d
        d = TINY if d == 0 else d
        c = bn + an / c
        c = TINY if c == 0 else c
        d = 1 / d
        delta = c * d
        f *= delta
        if abs(delta - 1) < TOL:
            return f
    raise RuntimeError("continued fraction did not converge")


def _log_beta(a, b):
    return mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)


def _ibeta_lower_cf(a, b, x, y):
    """I_x(a,b) from the NR continued fraction (fast for x < (a+1)/(a+b+2))."""
    logpref = a * mp.log(x) + b * mp.log(y) - _log_beta(a, b)

    def term(n):
        if n % 2 == 1:
            m = (n - 1) // 2
            return (-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)), mp.mpf(1))
        m = n // 2
        return (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)), mp.mpf(1))

    return mp.exp(logpref) / (a * _lentz(mp.mpf(1), term))


def ibeta(a, b, x, y):
    """(I_x(a,b), 1 - I_x(a,b)); x, y = 1 - x are mpf."""
    if x <= 0:
        return mp.mpf(0), mp.mpf(1)
    if y <= 0:
        return mp.mpf(1), mp.mpf(0)
    if x < (a + 1) / (a + b + 2):
        w = _ibeta_lower_cf(a, b, x, y)
        return w, 1 - w
    w = _ibeta_lower_cf(b, a, y, x)
    return 1 - w, w


def igamma(a, x):
    """(P(a,x), Q(a,x))."""
    if x <= 0:
        return mp.mpf(0), mp.mpf(1)
    logpref = a * mp.log(x) - x - mp.loggamma(a)
    if x < a + 1:
        s = t = mp.mpf(1)
        ap = a
        while True:
            ap += 1
            t *= x / ap
            s += t
            if t < s * TOL:
                break
        p = mp.exp(logpref) * s / a
        return p, 1 - p
    f = _lentz(x + 1 - a, lambda n: (-n * (n - a), x + 2 * n + 1 - a))
    q = mp.exp(logpref) / f
    return 1 - q, q


# --------------------------------------------------------------------------
# Distributions: each returns (cdf, sf, pdf) at an mpf point
# --------------------------------------------------------------------------
def norm(_params, z):
    sf = mp.erfc(z / mp.sqrt(2)) / 2
    cdf = mp.erfc(-z / mp.sqrt(2)) / 2
    return cdf, sf, mp.npdf(z)


def student_t(params, t):
    (df,) = params
    if df == mp.inf:
        return norm((), t)
    at = abs(t)
    x = df / (df + at * at)
    y = at * at / (df + at * at)
    lo, up = ibeta(df / 2, mp.mpf(1) / 2, x, y)
    tail = lo / 2  # P(T > |t|)
    pdf = mp.exp(mp.loggamma((df + 1) / 2) - mp.loggamma(df / 2)) / mp.sqrt(df * mp.pi) * \
        (1 + t * t / df) ** (-(df + 1) / 2)
    return (tail, 1 - tail, pdf) if t < 0 else (1 - tail, tail, pdf)


def chi2(params, x):
    (df,) = params
    if x <= 0:
        return mp.mpf(0), mp.mpf(1), mp.mpf(0)
    p, q = igamma(df / 2, x / 2)
    pdf = mp.exp((df / 2 - 1) * mp.log(x / 2) - x / 2 - mp.loggamma(df / 2)) / 2
    return p, q, pdf


def fisher_f(params, f):
    d1, d2 = params
    if f <= 0:
        return mp.mpf(0), mp.mpf(1), mp.mpf(0)
    x = d1 * f / (d1 * f + d2)
    y = d2 / (d1 * f + d2)
    lo, up = ibeta(d1 / 2, d2 / 2, x, y)
    pdf = mp.exp((d1 / 2) * mp.log(x) + (d2 / 2) * mp.log(y) - _log_beta(d1 / 2, d2 / 2)) / f
    return lo, up, pdf


def beta(params, x):
    a, b = params
    if x <= 0:
        return mp.mpf(0), mp.mpf(1), mp.mpf(0)
    if x >= 1:
        return mp.mpf(1), mp.mpf(0), mp.mpf(0)
    lo, up = ibeta(a, b, x, 1 - x)
    pdf = mp.exp((a - 1) * mp.log(x) + (b - 1) * mp.log(1 - x) - _log_beta(a, b))
    return lo, up, pdf


def quantile(dist, params, p, start, lower, upper):
    """60-digit root of cdf(x) = p (sf(x) = 1 - p when p > 1/2) on (lower, upper)."""
    p = mp.mpf(p)
    use_sf = p > mp.mpf(1) / 2
    target = 1 - p if use_sf else p

    def g(x):
        c, s, d = dist(params, x)
        tail = s if use_sf else c
        if tail <= 0:
            return (-mp.inf if not use_sf else mp.inf), d, tail
        val = mp.log(tail) - mp.log(target)
        return (-val if use_sf else val), d, tail  # g increasing in x

    lower, upper = mp.mpf(lower), mp.mpf(upper)
    x0 = mp.mpf(start)
    if not (lower < x0 < upper):
        if upper != mp.inf and lower != -mp.inf:
            x0 = (lower + upper) / 2
        else:
            x0 = mp.mpf(1) if lower == 0 else mp.mpf(0)
    # Bracket: first tightly around the double-precision start, then by
    # geometric expansion (scipy's start can be far off in extreme tails).
    lo = hi = None
    for rel in (mp.mpf("1e-9"), mp.mpf("1e-6"), mp.mpf("1e-3")):
        step = rel * max(abs(x0), mp.mpf("1e-300"))
        a_, b_ = x0 - step, x0 + step
        if lower < a_ and b_ < upper and g(a_)[0] < 0 < g(b_)[0]:
            lo, hi = a_, b_
            break
    if lo is None:
        up = g(x0)[0] < 0  # root lies above x0
        prev = x0
        for k in range(1, 4000):
            if up:
                cand = upper - (upper - x0) / 2 ** k if upper != mp.inf else \
                    (x0 * 2 ** k if x0 > 0 else x0 + max(abs(x0), 1) * (2 ** k - 1) / 2 ** 0)
            else:
                cand = lower + (x0 - lower) / 2 ** k if lower != -mp.inf else \
                    (x0 * 2 ** k if x0 < 0 else x0 - max(abs(x0), 1) * (2 ** k - 1))
            if abs(cand) > mp.mpf("1e310") or (cand != 0 and abs(cand) < mp.mpf("1e-310")):
                return None  # not representable as a double
            if (g(cand)[0] > 0) == up:
                lo, hi = (prev, cand) if up else (cand, prev)
                break
            prev = cand
        else:
            raise RuntimeError(f"could not bracket quantile {params} p={p} start={start}")
    x = (lo + hi) / 2
    for _ in range(400):
        gx, dens, tail = g(x)
        if gx == 0:
            return x
        if gx < 0:
            lo = x
        else:
            hi = x
        deriv = dens / tail if tail > 0 else mp.mpf(0)
        nx = x - gx / deriv if deriv > 0 else lo - 1
        if not (lo < nx < hi):
            nx = mp.sqrt(lo * hi) if lo > 0 and hi > 4 * lo else (lo + hi) / 2
        if abs(nx - x) <= mp.mpf(10) ** -45 * abs(nx):
            return nx
        x = nx
    raise RuntimeError(f"quantile did not converge: {params} p={p} start={start} x={mp.nstr(x, 20)}")


# --------------------------------------------------------------------------
# Case grid
# --------------------------------------------------------------------------
rows = []
disagreements = []


def emit(fn, params, x, expected, scipy_value):
    exp_f = float(expected)
    if not math.isfinite(exp_f):
        return
    if exp_f != 0 and abs(exp_f) < 1e-300:
        return  # below the accuracy contract
    ps = [repr(float(v)) for v in params] + [""] * (3 - len(params))
    rows.append(f"{fn},{','.join(ps)},{x!r},{exp_f!r}")
    if scipy_value is not None and exp_f != 0:
        rel = abs(scipy_value - exp_f) / abs(exp_f)
        if not rel <= 1e-9:
            disagreements.append((fn, params, x, exp_f, scipy_value, rel))


def mpf_params(params):
    return tuple(mp.mpf(v) if v != math.inf else mp.inf for v in params)


def prob_rows(prefix, dist, params, xs, sp):
    mparams = mpf_params(params)
    for x in xs:
        c, s, _ = dist(mparams, mp.mpf(x))
        emit(f"{prefix}_cdf", params, x, c, float(sp.cdf(x)))
        emit(f"{prefix}_sf", params, x, s, float(sp.sf(x)))


def ppf_rows(prefix, dist, params, ps, sp, lower, upper, skip_below=1e-300):
    mparams = mpf_params(params)
    for p in ps:
        start = float(sp.ppf(p))
        if not math.isfinite(start):
            start = 1.0
        if p == 0.5 and prefix in ("t", "norm"):
            emit(f"{prefix}_ppf", params, p, mp.mpf(0), 0.0)
            continue
        q = quantile(dist, mparams, p, start, lower, upper)
        if q is None or abs(q) > mp.mpf("1e300") or (q != 0 and abs(q) < skip_below):
            continue
        emit(f"{prefix}_ppf", params, p, q, start)


TAIL_PS = [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-6, 1e-3, 0.01, 0.025, 0.05, 0.1,
           0.25, 0.3, 0.4999, 0.5, 0.5000001, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6,
           1 - 1e-12]

# Normal ------------------------------------------------------------------
norm_x = [-37.0, -35.5, -30.0, -20.0, -12.5, -8.0, -5.0, -3.0, -1.959963984540054, -1.0, -0.3,
          -1e-8, 0.0, 1e-300, 0.5, 1.0, 2.5, 6.0, 9.0, 15.0, 26.0, 37.0]
prob_rows("norm", norm, (), norm_x, stats.norm)
ppf_rows("norm", norm, (), TAIL_PS + [0.3989, 1e-250, 0.02275], stats.norm, -mp.inf, mp.inf)

# Student t ---------------------------------------------------------------
T_DFS = [0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 10.0, 30.0, 100.0, 1000.0, 1e4, 1e5, 1e6, 1e7, math.inf]
for df in T_DFS:
    xs = [-1e300, -1e150, -1e30, -1e6, -1e3, -37.0, -12.0, -4.0, -2.0, -1.0, -0.5, -1e-10, 0.0,
          1e-5, 0.7, 1.0, 1.5, 2.5, 8.0, 36.0, 1e4, 1e100]
    if df >= 1e4:
        xs = [-38.0, -30.0, -20.0, -8.0, -3.0, -1.0000001, -1.0, -0.2, 0.0, 1e-9, 1.0, 2.0, 5.0,
              10.0, 25.0, 37.5]
    prob_rows("t", student_t, (df,), xs, stats.t(df) if df != math.inf else stats.norm)
    ppf_rows("t", student_t, (df,), TAIL_PS, stats.t(df) if df != math.inf else stats.norm,
             -mp.inf, mp.inf)
# The most used call: two-sided 95% critical values.
for df in [1.0, 2.0, 3.0, 5.0, 7.0, 12.0, 29.0, 59.0, 250.0, 3000.0, 12345.0, 2e5, 3e6, 1e7]:
    ppf_rows("t", student_t, (df,), [0.975, 0.025, 0.995], stats.t(df), -mp.inf, mp.inf)

# Chi-squared -------------------------------------------------------------
C_DFS = [0.5, 1.0, 2.0, 3.0, 7.5, 10.0, 50.0, 100.0, 1000.0, 1e4, 1e5, 1e6, 1e7]
for df in C_DFS:
    sd = math.sqrt(2 * df)
    xs = sorted({max(df + k * sd, 0.0) for k in (-5.0, -2.0, -0.5, 0.0, 1.0, 3.0, 8.0, 30.0)}
                | {1e-300, 1e-100, 1e-10, 0.01, 1.0, 40.0, 300.0, 1300.0})
    xs = [x for x in xs if x > 0]
    if df >= 1e5:
        xs += [df * 0.8, df * 0.9, df * 1.1, df * 1.2]
    prob_rows("chi2", chi2, (df,), xs, stats.chi2(df))
    ppf_rows("chi2", chi2, (df,), TAIL_PS, stats.chi2(df), 0, mp.inf)

# F -----------------------------------------------------------------------
F_DFS = [(1.0, 1.0), (0.5, 3.0), (2.0, 10.0), (5.0, 7.5), (10.0, 1e7), (1e7, 10.0), (100.0, 100.0),
         (1e7, 1e7), (3.0, 1e5), (1e6, 0.5), (4.0, 1e6)]
for d1, d2 in F_DFS:
    xs = [1e-300, 1e-50, 1e-8, 0.01, 0.2, 0.5, 0.9, 0.999, 1.0, 1.001, 1.1, 2.0, 3.5, 10.0, 100.0,
          1e6, 1e50, 1e200]
    if min(d1, d2) >= 100:
        sd = math.sqrt(2 / d1 + 2 / d2)
        xs += [max(1 + k * sd, 1e-3) for k in (-30.0, -8.0, -3.0, -1.0, 1.0, 3.0, 8.0, 30.0)]
    prob_rows("f", fisher_f, (d1, d2), sorted(set(xs)), stats.f(d1, d2))
    ppf_rows("f", fisher_f, (d1, d2), TAIL_PS, stats.f(d1, d2), 0, mp.inf)

# Beta --------------------------------------------------------------------
B_SHAPES = [(0.01, 0.01), (0.01, 1e7), (1e7, 0.01), (0.5, 0.5), (2.0, 3.0), (0.01, 5.0),
            (1e7, 1e7), (1.5, 1e7), (100.0, 1e6), (0.3, 2e5), (37.0, 1.0), (1.0, 1.0),
            (12.5, 7.25), (2e3, 5e3), (0.05, 0.7)]
for a, b in B_SHAPES:
    m = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    xs = {1e-300, 1e-100, 1e-20, 1e-8, 0.001, 0.1, 0.5, 0.9, 0.999, 1 - 1e-9}
    xs |= {m + k * sd for k in (-20.0, -5.0, -2.0, -0.5, 0.0, 0.5, 2.0, 5.0, 20.0)}
    xs = sorted(x for x in xs if 0 < x < 1)
    mparams = mpf_params((a, b))
    sp = stats.beta(a, b)
    for x in xs:
        c, s, _ = beta(mparams, mp.mpf(x))
        emit("beta_cdf", (a, b), x, c, float(sp.cdf(x)))
    ppf_rows("beta", beta, (a, b), TAIL_PS + [0.0125, 0.9875, 0.005, 0.995], sp, 0, 1)
# Korn-Graubard style intervals: Beta(x, n-x+1) and Beta(x+1, n-x) at 0.025 / 0.975.
for x_, n_ in [(0.01, 20.0), (0.5, 50.0), (3.0, 12.7), (17.3, 9000.0), (1.0, 1e7), (1e4, 1e7),
               (5e6, 1e7), (1e7 - 3.0, 1e7)]:
    for a, b in [(x_, n_ - x_ + 1), (x_ + 1, n_ - x_)]:
        if b <= 0:
            continue
        ppf_rows("beta", beta, (a, b), [0.025, 0.975], stats.beta(a, b), 0, 1)

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "StatsEngineTests", "Fixtures",
    "distributions.csv")
with open(out, "w") as fh:
    fh.write("function,p1,p2,p3,x,expected\n")
    fh.write("\n".join(rows) + "\n")
print(f"wrote {len(rows)} rows to {out}", file=sys.stderr)
for d in disagreements:
    print("scipy differs:", *d, file=sys.stderr)
