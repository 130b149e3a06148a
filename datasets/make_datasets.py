#!/usr/bin/env python3
"""Makes the bundled barometer data of disparity: a synthetic finite population of Copenhagen's
ten districts followed from 2010 to 2014, the registers and samples drawn from it every period
of the integration barometer, its true values and the barometer configuration.

    python3 datasets/make_datasets.py        (from the repository root; needs numpy only)

Seeded and deterministic: running it twice writes byte-identical files. It writes, next to
itself: population_residents.csv, population_labour.csv, resident_survey.csv, pupils.csv,
labour_force.csv, municipal_staff.csv, truth.json and barometer.yaml, and regenerates the
true-value tables between the `truth:begin` / `truth:end` markers of README.md.
survey_sample.csv is not touched (it comes from ../shared/bench/gen_survey.py).

Periods: the baseline 2010 and the half-years 2011H1 ... 2014H2. Registers come half-yearly
(municipal_staff.csv, every period) or yearly (pupils.csv, June exams: 2010, 2011H1 ... 2014H1);
the surveys yearly in the autumn (resident_survey.csv and labour_force.csv: 2010, 2011H2 ...
2014H2). Every data file has a column `period` with the row's period label.

Every true value in truth.json is recomputed from the files as written (integers and short
decimals, exact rational arithmetic rounded once to a double; the Oaxaca-Blinder part by least
squares), independently of the disparity engine, so a test can recompute it from the CSVs.
"""
import json
import math
import os
from fractions import Fraction

import numpy as np

SEED = 20240615
HERE = os.path.dirname(os.path.abspath(__file__))

# The barometer's periods, in time order; the baseline is 2010.
PERIODS = ["2010", "2011H1", "2011H2", "2012H1", "2012H2", "2013H1", "2013H2", "2014H1", "2014H2"]
BASELINE = "2010"
YEARS = (2010, 2011, 2012, 2013, 2014)            # the years of the population's items / statuses
SURVEY_PERIODS = ["2010", "2011H2", "2012H2", "2013H2", "2014H2"]   # autumn surveys, one per year
PUPIL_PERIODS = ["2010", "2011H1", "2012H1", "2013H1", "2014H1"]    # June exams, one per year
STAFF_PERIODS = PERIODS                                              # half-yearly register


def period_year(p):
    return int(p[:4])


# The ten districts (bydele), the strata of every design, in the municipality's usual order.
# adults: adult residents in the synthetic population (about 1:12 of the real city);
# minority: base log-odds of minority origin; deprived: share of blocks in deprived areas;
# bilingual: share of bilingual grade-9 pupils; safety: district effect on the safety items.
DISTRICTS = [
    # name,                       adults, minority, deprived, bilingual, safety, schools
    ("Indre By",                    3810, -2.75, 0.03, 0.09, -0.05, 4),
    ("Østerbro",                    5120, -2.65, 0.05, 0.10, 0.10, 7),
    ("Nørrebro",                    5120, -1.55, 0.38, 0.42, -0.10, 6),
    ("Vesterbro-Kongens Enghave",   4930, -2.00, 0.20, 0.28, -0.10, 6),
    ("Valby",                       4000, -2.05, 0.15, 0.25, 0.05, 6),
    ("Vanløse",                     2510, -2.35, 0.08, 0.17, 0.15, 4),
    ("Brønshøj-Husum",              2740, -1.95, 0.15, 0.30, 0.05, 5),
    ("Bispebjerg",                  3390, -1.45, 0.40, 0.48, -0.10, 5),
    ("Amager Øst",                  3950, -2.40, 0.10, 0.18, 0.10, 6),
    ("Amager Vest",                 5300, -1.75, 0.32, 0.36, -0.05, 7),
]
NAMES = [d[0] for d in DISTRICTS]
ND = len(DISTRICTS)
EDUCATION = ["none", "basic", "upper secondary", "vocational", "higher"]
STATUS = ["employed", "unemployed", "outside"]

# The areas the 2010 safety index marked as unsafe (goal 5): name, district, share of the
# district's blocks. Two of them lie in Indre By.
MARKED_AREAS = [
    ("Christianshavn/Holmen", 0, 0.20),
    ("Indre By",              0, 0.18),
    ("Vesterbro",             3, 0.18),
    ("Indre Nørrebro",        2, 0.18),
    ("Husum",                 6, 0.18),
    ("Valby",                 4, 0.20),
]

# Sample sizes.
RS_BLOCKS = 30        # resident survey: blocks per district per wave (SRSWOR)
RS_PER_BLOCK = 12     # resident survey: residents per sampled block (SRSWOR)
RS_MISSING = 0.02     # item nonresponse, MCAR, per item
LF_BLOCKS = 25        # labour force survey: blocks per district per wave (SRSWOR)
LF_PER_BLOCK = 16     # labour force survey: persons 18-66 per sampled block (all when fewer)
STAFF = 5000          # municipal workforce register (size kept constant)
MANAGER_SHARE = 0.065
TURNOVER = 0.04       # share of employees leaving per half year (each replaced)

# Planted trajectories (realised exactly or nearly so in the finite population).
UNEMP_GAP_PP = [7.5, 7.1, 6.6, 6.0, 5.5]            # raw minority over-unemployment per year
UNEMP_YEAR_SHIFT = [0.0, 0.05, 0.08, 0.02, -0.06]     # business cycle (log-odds, everyone)
INDEX_MANAGERS = (0.45, 0.70)                         # standardised representation index 2010 -> 2014H2
INDEX_ALL = (0.85, 0.97)                              # all employees


def rngs(n):
    return [np.random.default_rng(s) for s in np.random.SeedSequence(SEED).spawn(n)]


R_POP, R_ITEMS, R_RS, R_LAB, R_LFS, R_PUP, R_STAFF, R_MARK = rngs(8)

_erf = np.vectorize(math.erf, otypes=[float])


def expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def Phi(x):
    return 0.5 * (1.0 + _erf(np.asarray(x) / math.sqrt(2.0)))


def Phi_inv(p):
    """Inverse standard normal cdf (Acklam's rational approximation, relative error < 1.2e-9)."""
    a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01]
    c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    p = np.asarray(p, float)
    out = np.empty_like(p)
    lo, hi = p < 0.02425, p > 1 - 0.02425
    mid = ~(lo | hi)
    q = np.sqrt(-2 * np.log(p[lo]))
    out[lo] = (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
    q = np.sqrt(-2 * np.log(1 - p[hi]))
    out[hi] = -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
    q = p[mid] - 0.5; r = q * q
    out[mid] = (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
    return out


def bern(rng, p):
    return (rng.random(np.shape(p)) < p).astype(np.int64)


def persistent_uniform(rng, z, rho):
    """A uniform per person and year, correlated over the years through the person's z
    (a Gaussian copula): yearly draws that keep most of a person's position."""
    return Phi(rho * z + math.sqrt(1 - rho * rho) * rng.normal(0, 1, len(z)))


# ---------------------------------------------------------------------------------------------
# Population: districts -> blocks -> adult residents
# ---------------------------------------------------------------------------------------------
def make_population():
    rng = R_POP
    block_district, block_size = [], []
    for d, (_, adults, *_rest) in enumerate(DISTRICTS):
        total = 0
        while total < adults:
            m = int(rng.integers(20, 61))           # 20..60 adults per housing block
            block_district.append(d); block_size.append(m); total += m
    block_district = np.array(block_district); block_size = np.array(block_size)
    B = len(block_size)
    block_id = np.arange(1, B + 1)                  # unique across the city, ordered by district
    # Deprived areas: a fixed number of blocks per district, chosen at random.
    deprived_block = np.zeros(B, dtype=np.int64)
    for d in range(ND):
        idx = np.flatnonzero(block_district == d)
        k = int(round(DISTRICTS[d][3] * len(idx)))
        deprived_block[rng.permutation(idx)[:k]] = 1
    # Residents.
    district = np.repeat(block_district, block_size)
    block = np.repeat(block_id, block_size)
    bidx = block - 1
    deprived = deprived_block[bidx]
    n = len(block)
    u_min = rng.normal(0, 0.55, B)
    base = np.array([d[2] for d in DISTRICTS])
    minority = bern(rng, expit(base[district] + 1.45 * deprived + u_min[bidx]))
    # Age (in 2010): adults, younger in Copenhagen and among minorities.
    age = np.where(rng.random(n) < 0.86,
                   18 + np.floor(rng.beta(1.35, 2.0, n) * 49),      # 18..66
                   67 + np.floor(rng.beta(1.1, 2.6, n) * 29)).astype(np.int64)  # 67..95
    young = (minority == 1) & (age >= 67) & (rng.random(n) < 0.55)
    age[young] = 18 + np.floor(rng.beta(1.3, 2.2, young.sum()) * 49).astype(np.int64)
    return dict(n=n, B=B, block_id=block_id, block_district=block_district, block_size=block_size,
                deprived_block=deprived_block, district=district, block=block, bidx=bidx,
                deprived=deprived, minority=minority, age=age)


def mark_safety_areas(P, block_safety):
    """The areas the 2010 safety index marked: per area a fixed share of its district's blocks,
    drawn without replacement with low-safety blocks more likely (weight exp(-4 x block effect))."""
    rng = R_MARK
    area = np.full(P["B"], -1)
    for a, (_, d, share) in enumerate(MARKED_AREAS):
        idx = np.flatnonzero((P["block_district"] == d) & (area < 0))
        k = int(round(share * np.sum(P["block_district"] == d)))
        w = np.exp(-4.0 * block_safety[idx]); w /= w.sum()
        area[np.sort(rng.choice(idx, k, replace=False, p=w))] = a
    return area


ITEMS = ["included", "discriminated", "uses_daycare", "uses_social", "uses_leisure",
         "safe_day", "safe_night", "safe_home"]
BINARY = ITEMS[:5]
SAFETY = ["safe_day", "safe_night", "safe_home"]


def make_items(P):
    """The marked safety areas and the survey items of every resident in every year 2010-2014."""
    rng = R_ITEMS
    n, B, bidx = P["n"], P["B"], P["bidx"]
    mino, dep, dist = P["minority"], P["deprived"], P["district"]
    # Block and person effects shared by the years (a resident keeps her outlook).
    u = {k: rng.normal(0, s, B) for k, s in
         (("inc", 0.45), ("dis", 0.40), ("day", 0.40), ("soc", 0.40), ("lei", 0.40), ("saf", 0.32))}
    v = {k: rng.normal(0, s, n) for k, s in
         (("inc", 0.7), ("dis", 0.6), ("day", 0.8), ("soc", 0.7), ("lei", 0.6), ("saf", 0.55))}
    z = {it: rng.normal(0, 1, n) for it in ITEMS}            # copula of the yearly draws
    area_block = mark_safety_areas(P, u["saf"] - 0.62 * P["deprived_block"])
    marked = (area_block[bidx] >= 0).astype(np.int64)
    saf_d = np.array([d[5] for d in DISTRICTS])
    dm = dep * mino
    items = {}
    for k, year in enumerate(YEARS):
        t = k / 4.0                                            # 0 in 2010, 1 in 2014
        e = lambda: rng.normal(0, 0.05, B)[bidx]               # a small yearly block wobble
        lin = {
            "included": 2.65 - 1.40 * mino - 0.30 * dep + t * (0.06 + 0.40 * mino + 0.10 * dep)
            + u["inc"][bidx] + e() + v["inc"],
            "discriminated": -2.75 + 1.75 * mino + 0.25 * dep - t * (0.04 + 0.22 * mino)
            + u["dis"][bidx] + e() + v["dis"],
            "uses_daycare": -2.10 + 0.50 * mino + 0.30 * dep + t * (0.04 + 0.10 * dep + 0.50 * dm)
            + u["day"][bidx] + e() + v["day"],
            "uses_social": -2.50 + 0.55 * mino + 0.75 * dep + t * (0.02 + 0.10 * dep + 0.45 * dm)
            + u["soc"][bidx] + e() + v["soc"],
            "uses_leisure": -0.95 + 0.05 * mino + 0.35 * dep + t * (0.05 + 0.15 * dep + 0.50 * dm)
            + u["lei"][bidx] + e() + v["lei"],
        }
        items[year] = {it: (persistent_uniform(rng, z[it], 0.85) < expit(lin[it])).astype(np.int64)
                       for it in BINARY}
        lat = 4.05 + saf_d[dist] - 0.62 * dep - 0.08 * mino + t * (0.04 + 0.05 * dep + 0.30 * marked) \
            + u["saf"][bidx] + e() + v["saf"]
        for it, shift, sd in (("safe_day", 0.55, 0.55), ("safe_night", -0.75, 0.70), ("safe_home", 0.45, 0.55)):
            noise = sd * (0.7 * z[it] + math.sqrt(1 - 0.49) * rng.normal(0, 1, n))
            items[year][it] = np.clip(np.rint(lat + shift + noise), 1, 5).astype(np.int64)
    return items, area_block, marked


def make_labour(P):
    """Education (fixed) and the yearly labour-market status 2010-2014 of the residents aged
    18-66 in 2010. Participation is a person's own (the same in every year); unemployment among
    labour-force members changes from year to year, the minority's excess falling."""
    rng = R_LAB
    sel = np.flatnonzero(P["age"] <= 66)
    n = len(sel)
    mino, age, dep = P["minority"][sel], P["age"][sel], P["deprived"][sel]
    bidx = P["bidx"][sel]
    # Education: multinomial logit on origin and age.
    a = (age - 40) / 10
    young = (age <= 24).astype(float)
    logits = np.stack([
        -2.6 + 1.75 * mino + 0.25 * a,                       # none
        -0.6 + 0.80 * mino + 1.40 * young + 0.05 * a,          # basic
        -0.9 + 0.15 * mino + 1.90 * young - 0.10 * a,          # upper secondary
        -0.4 - 0.20 * mino - 1.00 * young + 0.20 * a,          # vocational
        0.55 - 0.45 * mino - 1.60 * young - 0.10 * a - 0.30 * dep,  # higher
    ], axis=1)
    p = np.exp(logits); p /= p.sum(1, keepdims=True)
    edu = (rng.random(n)[:, None] > np.cumsum(p, 1)).sum(1)
    edu = np.minimum(edu, 4)
    # Participation.
    e_part = np.array([-0.95, -0.45, -0.10, 0.15, 0.35])[edu]
    age_part = np.where(age <= 24, -0.2, np.where(age >= 60, -0.6 - 0.25 * (age - 60), 0.0))
    student = (age <= 29) & (edu <= 2)
    part = 2.05 + e_part + age_part - 0.55 * mino - 1.35 * student
    u_blk = rng.normal(0, 0.30, P["B"])
    inlf = bern(rng, expit(part))
    # Unemployment per year: a logistic model whose minority coefficient is set each year so
    # that the realised raw gap (minority minus majority rate) is the planted one.
    e_un = np.array([1.35, 1.05, 0.45, 0.20, 0.0])[edu]
    age_un = np.where(age <= 24, 0.55, np.where(age <= 29, 0.25, np.where(age >= 60, 0.25, 0.0)))
    base = -3.40 + e_un + age_un + 0.20 * dep + u_blk[bidx]
    zp = rng.normal(0, 1, n)
    lf_min, lf_maj = (inlf == 1) & (mino == 1), (inlf == 1) & (mino == 0)
    status, beta = {}, {}
    for k, year in enumerate(YEARS):
        U = persistent_uniform(rng, zp, 0.8)
        lin = base + UNEMP_YEAR_SHIFT[k]

        def gap(b):
            un = U < expit(lin + b * mino)
            return 100 * (un[lf_min].mean() - un[lf_maj].mean())
        lo, hi = -1.0, 3.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if gap(mid) < UNEMP_GAP_PP[k] else (lo, mid)
        beta[year] = hi
        unemp = inlf * (U < expit(lin + hi * mino))
        status[year] = np.where(inlf == 0, 2, np.where(unemp == 1, 1, 0))
    return dict(sel=sel, n=n, id=sel + 1, district=P["district"][sel], block=P["block"][sel],
                bidx=bidx, minority=mino, age=age, edu=edu, status=status, inlf=inlf, beta=beta)


# ---------------------------------------------------------------------------------------------
# Samples
# ---------------------------------------------------------------------------------------------
def two_stage(rng, P, members_block, n_blocks, per_block):
    """Stratified two-stage SRSWOR: per district n_blocks blocks, then up to per_block of the
    block's members. members_block: block index of each population member. Returns rows
    (member indices), and per row N_h, n_h, M_i, m_i."""
    order = np.argsort(members_block, kind="stable")
    starts = np.searchsorted(members_block[order], np.arange(P["B"] + 1))
    rows, Nh, nh, Mi, mi = [], [], [], [], []
    for d in range(ND):
        blocks = np.flatnonzero(P["block_district"] == d)
        chosen = np.sort(rng.choice(blocks, n_blocks, replace=False))
        for b in chosen:
            members = order[starts[b]:starts[b + 1]]
            m = min(per_block, len(members))
            take = np.sort(rng.choice(members, m, replace=False))
            rows.extend(take); Nh += [len(blocks)] * m; nh += [n_blocks] * m
            Mi += [len(members)] * m; mi += [m] * m
    return tuple(np.array(x) for x in (rows, Nh, nh, Mi, mi))


def weight_text(Nh, nh, Mi, mi):
    return [fmt_weight(Fraction(int(a), int(b)) * Fraction(int(c), int(e)))
            for a, b, c, e in zip(Nh, nh, Mi, mi)]


def fmt_weight(fr):
    return ("%.10g" % float(fr))


SAFETY_TEXT = {s: ("%.4f" % (25 * (s - 3) / 3)).rstrip("0").rstrip(".") for s in range(3, 16)}


# ---------------------------------------------------------------------------------------------
# Pupils (register of grade-9 pupils, one cohort a year) and municipal staff (register)
# ---------------------------------------------------------------------------------------------
def make_pupils():
    rng = R_PUP
    rows = []
    school = 0
    schools = []
    for d, spec in enumerate(DISTRICTS):
        for _ in range(spec[6]):
            school += 1
            schools.append((school, d, float(rng.normal(0, 0.65)), float(rng.normal(0, 22)),
                            int(rng.integers(55, 115))))
    for k, per in enumerate(PUPIL_PERIODS):
        t = k / 4.0
        for sid, d, bil_u, eff, size in schools:
            n = max(20, int(round(size * (1 + rng.normal(0, 0.06)))))
            share = DISTRICTS[d][4]
            pb = expit(np.log(share / (1 - share)) + bil_u + 0.03 * k)
            bil = bern(rng, np.full(n, pb))
            # Stratified normal scores within the school's cohort (a Latin hypercube), so the
            # cohorts differ by their model, not by chance alone.
            z = Phi_inv((rng.permutation(n) + rng.random(n)) / n)
            sd = np.where(bil == 1, 96.0, 88.0)
            mu = 512 + eff - 52 * bil + 1.0 * k + 1.0 * k * bil
            # The weakest quarter of bilingual pupils improves more, gradually to 2014.
            lift = t * (np.maximum(0.0, -0.674 - z) * 10 + np.where(z < -0.674, 6.0, 0.0))
            score = np.clip(mu + sd * z + bil * lift, 100, 900)
            for b, s in zip(bil, score):
                rows.append((per, d, sid, int(b), "%.1f" % s))
    return rows, schools


def draw_education(rng, manager):
    p_staff = np.array([0.03, 0.11, 0.09, 0.36, 0.41])
    p_mgr = np.array([0.00, 0.01, 0.03, 0.14, 0.82])
    u = rng.random(len(manager))
    edu = np.where(manager == 1, (u[:, None] > np.cumsum(p_mgr)).sum(1),
                   (u[:, None] > np.cumsum(p_staff)).sum(1))
    return np.minimum(edu, 4)


def make_staff(L):
    """The municipality's employees, a snapshot every half year. Each period TURNOVER of the
    employees leave and are replaced (same role and workplace district, a new id, education
    drawn anew); the number of minority employees among the newcomers is set so that the
    education-standardised representation index follows the planted path (managers and all
    employees), the newcomers from minorities chosen with weights the labour force's minority
    odds at their education."""
    rng = R_STAFF
    lf = L["inlf"] == 1
    m_e = np.array([L["minority"][lf & (L["edu"] == e)].mean() for e in range(5)])
    odds_e = m_e / (1 - m_e)
    n = STAFF
    manager = (rng.random(n) < MANAGER_SHARE).astype(np.int64)
    edu = draw_education(rng, manager)
    wd = np.array([d[1] for d in DISTRICTS], float); wd[0] *= 2.2   # city hall in Indre By
    district = rng.choice(ND, n, p=wd / wd.sum())
    order = np.lexsort((rng.random(n), district))   # ids in workplace order
    manager, edu, district = manager[order], edu[order], district[order]
    ids = np.arange(1, n + 1)
    minority = np.zeros(n, dtype=np.int64)
    free = np.ones(n, bool)                          # rows whose origin is still to be drawn
    next_id = n + 1
    snaps = []
    steps = len(STAFF_PERIODS) - 1
    for k, per in enumerate(STAFF_PERIODS):
        if k > 0:
            leave = rng.random(len(ids)) < TURNOVER
            J = int(leave.sum())
            new_mgr, new_dist = manager[leave], district[leave]
            keep = ~leave
            ids = np.concatenate([ids[keep], np.arange(next_id, next_id + J)]); next_id += J
            manager = np.concatenate([manager[keep], new_mgr])
            district = np.concatenate([district[keep], new_dist])
            edu = np.concatenate([edu[keep], draw_education(rng, new_mgr)])
            minority = np.concatenate([minority[keep], np.zeros(J, dtype=np.int64)])
            free = np.concatenate([np.zeros(keep.sum(), bool), np.ones(J, bool)])
        frac = k / steps
        mgr = manager == 1
        goal_m = INDEX_MANAGERS[0] + frac * (INDEX_MANAGERS[1] - INDEX_MANAGERS[0])
        goal_a = INDEX_ALL[0] + frac * (INDEX_ALL[1] - INDEX_ALL[0])
        k_m = int(round(goal_m * m_e[edu[mgr]].mean() * mgr.sum()))
        k_a = int(round(goal_a * m_e[edu].mean() * len(ids)))
        for sel, total in ((mgr, k_m), (~mgr, k_a - k_m)):
            cand = np.flatnonzero(sel & free)
            need = total - int(minority[sel].sum())
            need = max(0, min(need, len(cand)))
            if need:
                w = odds_e[edu[cand]]; w = w / w.sum()
                minority[rng.choice(cand, need, replace=False, p=w)] = 1
        o = np.argsort(ids)
        snaps.append((per, ids[o].copy(), manager[o].copy(), minority[o].copy(), edu[o].copy(), district[o].copy()))
    return snaps


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
def write_csv(name, header, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(",".join(header) + "\n")
        f.write("".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def origin_text(m):
    return "minority" if m else "majority"


AREA_NAMES = [a[0] for a in MARKED_AREAS]


def main():
    P = make_population()
    I, area_block, marked = make_items(P)
    L = make_labour(P)
    area_text = [AREA_NAMES[a] if a >= 0 else "" for a in area_block]   # per block

    # population_residents.csv
    header = ["id", "district", "block", "origin", "deprived_area", "safety_area", "marked_area"] + \
        [f"{it}_{y}" for y in YEARS for it in ITEMS]
    cols = [list(range(1, P["n"] + 1)), [NAMES[d] for d in P["district"]], P["block"].tolist(),
            [origin_text(m) for m in P["minority"]], P["deprived"].tolist(),
            [area_text[b] for b in P["bidx"]], marked.tolist()] + \
        [I[y][it].tolist() for y in YEARS for it in ITEMS]
    write_csv("population_residents.csv", header, zip(*cols))

    # population_labour.csv
    header = ["id", "district", "block", "origin", "education", "age"] + [f"status_{y}" for y in YEARS]
    write_csv("population_labour.csv", header, zip(
        L["id"], [NAMES[d] for d in L["district"]], L["block"], [origin_text(m) for m in L["minority"]],
        [EDUCATION[e] for e in L["edu"]], L["age"], *[[STATUS[s] for s in L["status"][y]] for y in YEARS]))

    # resident_survey.csv: an independent stratified two-stage sample per wave (autumn, yearly)
    rs_rows = []
    for wi, (per, year) in enumerate(zip(SURVEY_PERIODS, YEARS), start=1):
        rows, Nh, nh, Mi, mi = two_stage(R_RS, P, P["bidx"], RS_BLOCKS, RS_PER_BLOCK)
        wt = weight_text(Nh, nh, Mi, mi)
        vals = {it: I[year][it][rows] for it in ITEMS}
        miss = {it: R_RS.random(len(rows)) < RS_MISSING for it in ITEMS}
        for k, r in enumerate(rows):
            cells = ["" if miss[it][k] else str(vals[it][k]) for it in ITEMS]
            if any(miss[it][k] for it in SAFETY):
                si = ""
            else:
                si = SAFETY_TEXT[sum(int(vals[it][k]) for it in SAFETY)]
            d, b = P["district"][r], P["block"][r]
            rs_rows.append([per, NAMES[d], b, r + 1, wi * 100 + d + 1, wi * 10000 + b, Nh[k], Mi[k], wt[k],
                            origin_text(P["minority"][r]), P["deprived"][r], area_text[b - 1], marked[r]]
                           + cells + [si])
    write_csv("resident_survey.csv",
              ["period", "district", "block", "id", "stratum", "psu", "blocks_in_district",
               "residents_in_block", "weight", "origin", "deprived_area", "safety_area", "marked_area"]
              + ITEMS + ["safety_index"], rs_rows)

    # labour_force.csv: an independent stratified two-stage sample of persons 18-66 per year
    lf_rows = []
    for wi, (per, year) in enumerate(zip(SURVEY_PERIODS, YEARS), start=1):
        rows, Nh, nh, Mi, mi = two_stage(R_LFS, P, L["bidx"], LF_BLOCKS, LF_PER_BLOCK)
        wt = weight_text(Nh, nh, Mi, mi)
        for k, r in enumerate(rows):
            s = L["status"][year][r]
            d, b = L["district"][r], L["block"][r]
            lf_rows.append([per, NAMES[d], b, L["id"][r], wi * 100 + d + 1, wi * 10000 + b, Nh[k], Mi[k], wt[k],
                            origin_text(L["minority"][r]), EDUCATION[L["edu"][r]], L["age"][r],
                            STATUS[s], int(s != 2), int(s == 1)])
    write_csv("labour_force.csv",
              ["period", "district", "block", "id", "stratum", "psu", "blocks_in_district", "persons_in_block",
               "weight", "origin", "education", "age", "status", "in_labour_force", "unemployed"], lf_rows)

    # pupils.csv
    pupil_rows, _ = make_pupils()
    write_csv("pupils.csv", ["period", "district", "school", "bilingual", "score"],
              [(p, NAMES[d], s, b, sc) for p, d, s, b, sc in pupil_rows])

    # municipal_staff.csv
    staff_rows = []
    for per, ids, mgr, mino, edu, dist in make_staff(L):
        staff_rows.extend(zip([per] * len(ids), ids, ["manager" if m else "staff" for m in mgr],
                              [origin_text(m) for m in mino], [EDUCATION[e] for e in edu],
                              [NAMES[d] for d in dist]))
    write_csv("municipal_staff.csv", ["period", "id", "role", "origin", "education", "district"], staff_rows)

    truth = exact_to_float(compute_truth())
    path = os.path.join(HERE, "truth.json")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    write_barometer()
    with open(path, encoding="utf-8") as fh:
        update_readme(json.load(fh))


# ---------------------------------------------------------------------------------------------
# True values, recomputed from the files as written
# ---------------------------------------------------------------------------------------------
def read_csv(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split(",")
        rows = [line.rstrip("\n").split(",") for line in f]
    return {h: np.array([r[i] for r in rows]) for i, h in enumerate(header)}


def frac_mean(values):
    """Exact mean of integers or short decimals (as a Fraction)."""
    return Fraction(sum(Fraction(v) for v in values), len(values))


def math_quantile(values, q):
    """R survey's qrule='math' with equal weights: the smallest value whose cumulative share
    reaches q."""
    v = sorted(Fraction(x) for x in values)
    n = len(v)
    k = next(k for k in range(1, n + 1) if Fraction(k, n) >= Fraction(q))
    return v[k - 1]


def lower_mean(values, q):
    """The q-quantile (qrule 'math') and the mean of the values at or below it."""
    qv = math_quantile(values, q)
    below = [Fraction(x) for x in values if Fraction(x) <= qv]
    return qv, Fraction(sum(below), len(below)), len(below)


def exact_to_float(x):
    if isinstance(x, dict):
        return {k: exact_to_float(v) for k, v in x.items()}
    if isinstance(x, list):
        return [exact_to_float(v) for v in x]
    if isinstance(x, Fraction):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    return x


def share(col, sel, value="1"):
    return Fraction(int((col[sel] == value).sum()), int(sel.sum()))


def compute_truth():
    goals = {g: {"measures": {}} for g in "1234567"}
    M = lambda g, m: goals[g]["measures"].setdefault(m, {})
    details = {}
    # --- goal 1: pupils (census, yearly) ---------------------------------------------------------
    pu = read_csv("pupils.csv")
    dp = {}
    for per in PUPIL_PERIODS:
        row = {}
        for label, b in (("bilingual", "1"), ("others", "0")):
            sc = pu["score"][(pu["period"] == per) & (pu["bilingual"] == b)]
            qv, lm, nb = lower_mean(sc, 0.25)
            row[label] = {"n": len(sc), "mean": frac_mean(sc), "q25": qv, "lower_mean_25": lm,
                          "n_at_or_below_q25": nb}
        dp[per] = row
        M("1", "1a")[per] = row["bilingual"]["lower_mean_25"]
        M("1", "1b")[per] = row["bilingual"]["q25"]
        M("1", "1c")[per] = row["bilingual"]["lower_mean_25"] - row["others"]["lower_mean_25"]
    details["pupils"] = dp
    # --- goal 2: unemployment (population_labour.csv, yearly) -------------------------------------
    lab = read_csv("population_labour.csv")
    mino = lab["origin"] == "minority"
    du = {}
    for per in SURVEY_PERIODS:
        st = lab[f"status_{period_year(per)}"]
        inlf, un = st != "outside", st == "unemployed"
        rate = {o: Fraction(int((un & g).sum()), int((inlf & g).sum())) for o, g in (("majority", ~mino), ("minority", mino))}
        gap = rate["minority"] - rate["majority"]
        # Oaxaca-Blinder (twofold, linear probability model among labour-force members, covariates
        # factor(education) + age): unexplained = gap - (mean x_minority - mean x_majority)'b_majority
        X = np.column_stack([np.ones(inlf.sum())] +
                            [(lab["education"][inlf] == e).astype(float) for e in sorted(EDUCATION)[1:]] +
                            [lab["age"][inlf].astype(float)])
        y = un[inlf].astype(float); m = mino[inlf]
        ols = lambda A, b: np.linalg.lstsq(A, b, rcond=None)[0]
        b_r = ols(X[~m], y[~m]); b_pool = ols(np.column_stack([X, m.astype(float)]), y)[:-1]
        dx = X[m].mean(0) - X[~m].mean(0)
        M("2", "2a")[per] = 100 * gap
        M("2", "2b")[per] = float(100 * (gap - dx @ b_r))
        du[per] = {"year": period_year(per),
                   "labour_force": {"majority": int((inlf & ~mino).sum()), "minority": int((inlf & mino).sum())},
                   "unemployment_rate": rate, "overall_rate": Fraction(int(un.sum()), int(inlf.sum())),
                   "gap_pp": 100 * gap, "ratio": rate["minority"] / rate["majority"],
                   "unexplained_pp_reference_coefficients": float(100 * (gap - dx @ b_r)),
                   "explained_pp_reference_coefficients": float(100 * (dx @ b_r)),
                   "unexplained_pp_pooled_coefficients": float(100 * (gap - dx @ b_pool))}
    details["unemployment"] = du
    # --- goal 3: representation (municipal_staff.csv, half-yearly, against the labour force) -------
    st_ = read_csv("municipal_staff.csv")
    dr = {}
    for per in STAFF_PERIODS:
        stat = lab[f"status_{period_year(per)}"]
        inlf = stat != "outside"
        lf_share = Fraction(int((mino & inlf).sum()), int(inlf.sum()))
        lf_e = {e: Fraction(int((mino & inlf & (lab["education"] == e)).sum()),
                            int((inlf & (lab["education"] == e)).sum())) for e in EDUCATION}
        rows = st_["period"] == per
        out = {"benchmark_minority_share": lf_share, "benchmark_minority_share_by_education": lf_e}
        for label, sel, mid in (("all_employees", rows, "3a"), ("staff", rows & (st_["role"] == "staff"), None),
                                ("managers", rows & (st_["role"] == "manager"), "3b")):
            n = int(sel.sum())
            sh = Fraction(int((sel & (st_["origin"] == "minority")).sum()), n)
            exp = sum(Fraction(int((sel & (st_["education"] == e)).sum()), n) * lf_e[e] for e in EDUCATION)
            out[label] = {"n": n, "minority_share": sh, "index": sh / lf_share,
                          "expected_share": exp, "standardised_index": sh / exp}
            if mid:
                M("3", mid)[per] = sh / exp
        dr[per] = out
    details["representation"] = dr
    # --- goals 4-7: residents (population_residents.csv, yearly items) -----------------------------
    res = read_csv("population_residents.csv")
    r_min = res["origin"] == "minority"
    dep = res["deprived_area"] == "1"
    mk = res["marked_area"] == "1"
    every = np.ones(len(r_min), bool)
    ds = {}
    goals["5"]["by"] = {"area": {a: {} for a in AREA_NAMES}}
    for per in SURVEY_PERIODS:
        y = period_year(per)
        for mid, it in (("4a", "uses_daycare"), ("4b", "uses_social"), ("4c", "uses_leisure")):
            M("4", mid)[per] = 100 * share(res[f"{it}_{y}"], dep & r_min)

        def safety(sel):
            tot = sum(int(res[f"{it}_{y}"][sel].astype(np.int64).sum()) for it in SAFETY)
            return Fraction(25 * tot, 3 * int(sel.sum())) - 25
        M("5", "5a")[per] = safety(mk)
        for a in AREA_NAMES:
            goals["5"]["by"]["area"][a][per] = safety(res["safety_area"] == a)
        for g, it in (("6", "included"), ("7", "discriminated")):
            col = res[f"{it}_{y}"]
            M(g, g + "a")[per] = 100 * share(col, r_min)
            M(g, g + "b")[per] = 100 * (share(col, r_min) - share(col, ~r_min))
        ds[per] = {
            "included": {"minority": share(res[f"included_{y}"], r_min), "majority": share(res[f"included_{y}"], ~r_min)},
            "discriminated": {"minority": share(res[f"discriminated_{y}"], r_min),
                              "majority": share(res[f"discriminated_{y}"], ~r_min)},
            "services_deprived": {it: {"minority": share(res[f"{it}_{y}"], dep & r_min),
                                       "majority": share(res[f"{it}_{y}"], dep & ~r_min),
                                       "other_areas": share(res[f"{it}_{y}"], ~dep)}
                                  for it in ("uses_daycare", "uses_social", "uses_leisure")},
            "safety_index": {"marked_areas": safety(mk), "other_areas": safety(~mk),
                             "deprived_areas": safety(dep), "all": safety(every)},
        }
    details["residents"] = ds
    # --- population sizes --------------------------------------------------------------------------
    details["population"] = {
        "residents": len(res["id"]), "blocks": len(np.unique(res["block"])),
        "deprived_blocks": len(np.unique(res["block"][dep])), "marked_blocks": len(np.unique(res["block"][mk])),
        "minority_share_residents": Fraction(int(r_min.sum()), len(r_min)),
        "by_district": {nm: {"residents": int((res["district"] == nm).sum()),
                             "blocks": len(np.unique(res["block"][res["district"] == nm])),
                             "deprived_blocks": len(np.unique(res["block"][(res["district"] == nm) & dep])),
                             "minority_share": Fraction(int((r_min & (res["district"] == nm)).sum()),
                                                        int((res["district"] == nm).sum()))}
                        for nm in NAMES},
        "marked_areas": {a: {"district": NAMES[d],
                             "blocks": len(np.unique(res["block"][res["safety_area"] == a])),
                             "residents": int((res["safety_area"] == a).sum())} for a, d, _ in MARKED_AREAS},
        "labour_population_18_66": len(lab["id"]),
        "pupils": {p: int((pu["period"] == p).sum()) for p in PUPIL_PERIODS},
        "schools": len(np.unique(pu["school"])),
        "employees": {p: int((st_["period"] == p).sum()) for p in STAFF_PERIODS},
        "managers": {p: int(((st_["period"] == p) & (st_["role"] == "manager")).sum()) for p in STAFF_PERIODS},
    }
    # --- the samples: sampled blocks per marked area and wave (goal 5's breakdown needs them) -----
    rs = read_csv("resident_survey.csv")
    sampled = {a: {p: len(np.unique(rs["block"][(rs["period"] == p) & (rs["safety_area"] == a)]))
                   for p in SURVEY_PERIODS} for a in AREA_NAMES}
    low = min(min(v.values()) for v in sampled.values())
    if low < 2:
        raise SystemExit(f"a marked area has {low} sampled block(s) in a wave of resident_survey.csv: too few for goal 5's breakdown")
    details["samples"] = {"resident_survey_blocks_by_marked_area": sampled,
                          "resident_survey_rows": {p: int((rs["period"] == p).sum()) for p in SURVEY_PERIODS}}
    about = ("True values of the synthetic finite population behind the bundled data at every period "
             "where a goal's data set has a wave: goals -> goal -> measures -> measure -> period -> value, in "
             "the measure's unit (shares in %, gaps in percentage points, minority minus majority or "
             "bilingual minus others; score points; index points; representation indices as ratios). "
             "Computed from the files as written: registers (pupils.csv, municipal_staff.csv) exactly as "
             "an estimator on the census computes them; survey measures from population_residents.csv and "
             "population_labour.csv (the items and status of the survey's year). Goal 3's benchmark is the "
             "labour force of population_labour.csv in the period's year. Exact rational arithmetic "
             "rounded once to a double; goal 2b (Oaxaca-Blinder, reference = majority coefficients) by "
             "least squares. 'details' holds supporting values (not barometer measures).")
    return {"about": about, "periods": PERIODS, "baseline": BASELINE, "goals": goals, "details": details}


BAROMETER = """\
# Integrationsbarometer for København: the seven goals of the integration policy 2011-14 on the
# bundled synthetic data, followed up every half year from the baseline 2010. Made by
# make_datasets.py; data paths are relative to this file. Each goal holds one or more measures;
# a measure inherits the goal's data and design unless it sets its own, its other keys are
# options of `disparity gap` (or of `disparity representation` for `measure: representation`),
# and a measure without `group` is a level. `context: true` marks a measure reported beside the
# goal's own. A data set has rows only at its own periods (column `period`): surveys yearly in
# the autumn (2010, 2011H2, ...), pupils yearly in June (2010, 2011H1, ...), the staff register
# every half year. The samples' design uses the file-wide stratum and psu columns (each wave's
# own); see README.md.
title: "Integrationsbarometer for København"
level: 0.95
periods: {column: period, baseline: "2010", order: ["2010", "2011H1", "2011H2", "2012H1", "2012H2", "2013H1", "2013H2", "2014H1", "2014H2"]}
goals:
  - id: "1"
    label: "Bedre faglige resultater for de 25 % fagligt svageste tosprogede elever"
    kind: direction
    direction: higher
    data: pupils.csv
    design: {strata: district, cluster: school}
    measures:
      - {id: "1a", label: "Gennemsnitlig score for de 25 % fagligt svageste tosprogede elever i 9. klasse", unit: "score points", stat: lower-mean, variable: score, q: 0.25, subset: "bilingual == 1"}
      - {id: "1b", label: "Grænsen for de 25 % fagligt svageste tosprogede elever (nedre kvartil)", unit: "score points", stat: quantile, variable: score, q: 0.25, subset: "bilingual == 1"}
      - {id: "1c", label: "Forskel mellem de 25 % fagligt svageste tosprogede og etsprogede elever", unit: "score points", context: true, stat: lower-mean, variable: score, q: 0.25, group: bilingual, focal: "1", reference: "0"}
  - id: "2"
    label: "Overledigheden for etniske minoriteter skal nedbringes til højst 5,8 procentpoint"
    kind: target
    target: "<= 5.8"
    direction: lower
    data: labour_force.csv
    design: {weights: weight, strata: stratum, cluster: psu}
    measures:
      - {id: "2a", label: "Overledighed: ledigheden blandt etniske minoriteter minus ledigheden blandt majoriteten", unit: "pp", stat: ratio, variable: unemployed, denominator: in_labour_force, group: origin, focal: minority, reference: majority, scale: pp}
      - {id: "2b", label: "Overledighed, som ikke forklares af uddannelse og alder", unit: "pp", context: true, stat: proportion, variable: unemployed, subset: "in_labour_force == 1", group: origin, focal: minority, reference: majority, scale: pp, adjust: "factor(education) + age", report: unexplained}
  - id: "3"
    label: "Kommunens medarbejdere og ledere skal afspejle arbejdsstyrkens sammensætning"
    kind: band
    target: "within 0.9..1.1"
    data: municipal_staff.csv
    design: {}
    measures:
      - {id: "3a", label: "Etniske minoriteter blandt kommunens medarbejdere: uddannelsesstandardiseret repræsentationsindeks", unit: "index", measure: representation, census: true, variable: origin, focal: minority, standardise: education, report: standardised index, benchmark: {data: labour_force.csv, design: {weights: weight, strata: stratum, cluster: psu}, subset: "in_labour_force == 1"}}
      - {id: "3b", label: "Etniske minoriteter blandt kommunens ledere: uddannelsesstandardiseret repræsentationsindeks", unit: "index", measure: representation, census: true, variable: origin, focal: minority, subset: "role == manager", standardise: education, report: standardised index, benchmark: {data: labour_force.csv, design: {weights: weight, strata: stratum, cluster: psu}, subset: "in_labour_force == 1"}}
  - id: "4"
    label: "Flere etniske minoriteter i de udsatte byområder skal benytte kommunens dagtilbud, sociale tilbud og fritidstilbud"
    kind: direction
    direction: higher
    data: resident_survey.csv
    design: {weights: weight, strata: stratum, cluster: "psu,id", fpc: "blocks_in_district,residents_in_block"}
    measures:
      - {id: "4a", label: "Andel etniske minoriteter i udsatte byområder, der benytter dagtilbud", unit: "%", stat: proportion, variable: uses_daycare, category: 1, subset: "deprived_area == 1 & origin == minority", scale: pp}
      - {id: "4b", label: "Andel etniske minoriteter i udsatte byområder, der benytter sociale tilbud", unit: "%", stat: proportion, variable: uses_social, category: 1, subset: "deprived_area == 1 & origin == minority", scale: pp}
      - {id: "4c", label: "Andel etniske minoriteter i udsatte byområder, der benytter fritidstilbud", unit: "%", stat: proportion, variable: uses_leisure, category: 1, subset: "deprived_area == 1 & origin == minority", scale: pp}
  - id: "5"
    label: "Større tryghed i de områder, som tryghedsindekset i 2010 udpegede som utrygge"
    kind: direction
    direction: higher
    data: resident_survey.csv
    design: {weights: weight, strata: stratum, cluster: "psu,id", fpc: "blocks_in_district,residents_in_block"}
    measures:
      - {id: "5a", label: "Tryghedsindekset i de utrygge områder", unit: "index points", stat: mean, variable: safety_index, subset: "marked_area == 1", by: safety_area}
  - id: "6"
    label: "Flere etniske minoriteter skal føle sig inkluderet i samfundet"
    kind: direction
    direction: higher
    data: resident_survey.csv
    design: {weights: weight, strata: stratum, cluster: "psu,id", fpc: "blocks_in_district,residents_in_block"}
    measures:
      - {id: "6a", label: "Andel etniske minoriteter, der føler sig inkluderet i samfundet", unit: "%", stat: proportion, variable: included, category: 1, subset: "origin == minority", scale: pp}
      - {id: "6b", label: "Forskel til majoriteten i andelen, der føler sig inkluderet", unit: "pp", context: true, stat: proportion, variable: included, category: 1, group: origin, focal: minority, reference: majority, scale: pp}
  - id: "7"
    label: "Færre etniske minoriteter skal opleve diskrimination"
    kind: direction
    direction: lower
    data: resident_survey.csv
    design: {weights: weight, strata: stratum, cluster: "psu,id", fpc: "blocks_in_district,residents_in_block"}
    measures:
      - {id: "7a", label: "Andel etniske minoriteter, der har oplevet diskrimination inden for det seneste år", unit: "%", stat: proportion, variable: discriminated, category: 1, subset: "origin == minority", scale: pp}
      - {id: "7b", label: "Forskel til majoriteten i andelen, der har oplevet diskrimination", unit: "pp", context: true, stat: proportion, variable: discriminated, category: 1, group: origin, focal: minority, reference: majority, scale: pp}
"""


def write_barometer():
    with open(os.path.join(HERE, "barometer.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(BAROMETER)


# ---------------------------------------------------------------------------------------------
# README tables
# ---------------------------------------------------------------------------------------------
MEASURE_TEXT = {
    "1a": ("lower mean (q 0.25) of score, bilingual pupils", "score points"),
    "1b": ("lower quartile (qrule math) of score, bilingual pupils", "score points"),
    "1c": ("lower mean, bilingual minus others", "score points"),
    "2a": ("unemployment rate, minority minus majority", "pp"),
    "2b": ("the same, unexplained by factor(education) + age", "pp"),
    "3a": ("standardised representation index, all employees", "index"),
    "3b": ("standardised representation index, managers", "index"),
    "4a": ("uses day care, minorities in deprived areas", "%"),
    "4b": ("uses social services, minorities in deprived areas", "%"),
    "4c": ("uses leisure facilities, minorities in deprived areas", "%"),
    "5a": ("safety index, marked areas", "index points"),
    "6a": ("feels included, minorities", "%"),
    "6b": ("feels included, minority minus majority", "pp"),
    "7a": ("discriminated, minorities", "%"),
    "7b": ("discriminated, minority minus majority", "pp"),
}


def pct(x):
    return f"{100 * x:.2f} %"


def readme_tables(T):
    L = []
    add = L.append
    per = T["periods"]
    add("Generated by `make_datasets.py` from `truth.json` (shares in %, gaps in percentage points,")
    add("minority minus majority; representation indices as ratios). Full precision is in `truth.json`;")
    add("a blank cell is a period without a wave of the measure's data.")
    add("")
    add("**The barometer's measures** (`truth.json` → `goals` → goal → `measures`)")
    add("")
    add("| measure | what | unit | " + " | ".join(per) + " |")
    add("| --- | --- | --- | " + " | ".join("---" for _ in per) + " |")
    for g, goal in T["goals"].items():
        for mid, vals in goal["measures"].items():
            what, unit = MEASURE_TEXT[mid]
            dec = 3 if unit == "index" else 2
            cells = [f"{vals[p]:.{dec}f}" if p in vals else "" for p in per]
            add(f"| {mid} | {what} | {unit} | " + " | ".join(cells) + " |")
    add("")
    add("**Goal 5 by marked area** (`truth.json` → `goals` → `5` → `by` → `area`; safety index 0–100)")
    add("")
    sp = [p for p in per if p in T["goals"]["5"]["measures"]["5a"]]
    add("| area | district | blocks | residents | " + " | ".join(sp) + " |")
    add("| --- | --- | --- | --- | " + " | ".join("---" for _ in sp) + " |")
    for a, vals in T["goals"]["5"]["by"]["area"].items():
        info = T["details"]["population"]["marked_areas"][a]
        add(f"| {a} | {info['district']} | {info['blocks']} | {info['residents']:,} | "
            + " | ".join(f"{vals[p]:.2f}" for p in sp) + " |")
    R = T["details"]["residents"]
    add(f"| all marked areas | | {T['details']['population']['marked_blocks']} | | "
        + " | ".join(f"{R[p]['safety_index']['marked_areas']:.2f}" for p in sp) + " |")
    add(f"| unmarked blocks | | | | " + " | ".join(f"{R[p]['safety_index']['other_areas']:.2f}" for p in sp) + " |")
    add("")
    add("Sampled blocks per marked area in each wave of `resident_survey.csv` (`details` → `samples`): "
        + "; ".join(f"{a} " + ", ".join(str(v[p]) for p in sp) for a, v in T["details"]["samples"]["resident_survey_blocks_by_marked_area"].items())
        + " (waves in the order above).")
    add("")
    add("**Context** (`truth.json` → `details`)")
    add("")
    add("| period | unemployment majority | unemployment minority | labour force majority / minority | "
        "included majority | discriminated majority | services in deprived areas, majority (day care / social / leisure) |")
    add("| --- | --- | --- | --- | --- | --- | --- |")
    U = T["details"]["unemployment"]
    for p in sp:
        u, r = U[p], R[p]
        sv = r["services_deprived"]
        add(f"| {p} | {pct(u['unemployment_rate']['majority'])} | {pct(u['unemployment_rate']['minority'])} | "
            f"{u['labour_force']['majority']:,} / {u['labour_force']['minority']:,} | "
            f"{pct(r['included']['majority'])} | {pct(r['discriminated']['majority'])} | "
            + " / ".join(pct(sv[it]['majority']) for it in ("uses_daycare", "uses_social", "uses_leisure")) + " |")
    add("")
    Rp = T["details"]["representation"]
    add("**Goal 3 in detail** (municipal_staff.csv against the labour force of population_labour.csv)")
    add("")
    add("| period | employees | managers | minority share: all / staff / managers | expected share: all / managers | "
        "labour-force minority share | index (unstandardised): all / managers |")
    add("| --- | --- | --- | --- | --- | --- | --- |")
    for p in per:
        r = Rp[p]
        add(f"| {p} | {r['all_employees']['n']:,} | {r['managers']['n']} | "
            f"{pct(r['all_employees']['minority_share'])} / {pct(r['staff']['minority_share'])} / {pct(r['managers']['minority_share'])} | "
            f"{pct(r['all_employees']['expected_share'])} / {pct(r['managers']['expected_share'])} | "
            f"{pct(r['benchmark_minority_share'])} | {r['all_employees']['index']:.3f} / {r['managers']['index']:.3f} |")
    add("")
    Pu = T["details"]["pupils"]
    add("**Goal 1 in detail** (pupils.csv, census of grade 9; q25 by R's `qrule=\"math\"`, the "
        "⌈n/4⌉-th smallest score; lower mean = mean of the scores at or below q25)")
    add("")
    add("| period | bilingual n | bilingual mean | bilingual q25 | bilingual lower mean | others n | others mean | others q25 | others lower mean |")
    add("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for p, r in Pu.items():
        b, o = r["bilingual"], r["others"]
        add(f"| {p} | {b['n']:,} | {b['mean']:.2f} | {b['q25']:.1f} | {b['lower_mean_25']:.3f} | "
            f"{o['n']:,} | {o['mean']:.2f} | {o['q25']:.1f} | {o['lower_mean_25']:.3f} |")
    add("")
    Po = T["details"]["population"]
    add("**The population by district** (population_residents.csv)")
    add("")
    add("| district | residents | blocks | deprived blocks | minority share |")
    add("| --- | --- | --- | --- | --- |")
    for nm in NAMES:
        r = Po["by_district"][nm]
        add(f"| {nm} | {r['residents']:,} | {r['blocks']} | {r['deprived_blocks']} | {pct(r['minority_share'])} |")
    add(f"| Copenhagen | {Po['residents']:,} | {Po['blocks']:,} | {Po['deprived_blocks']} | {pct(Po['minority_share_residents'])} |")
    return "\n".join(L)


def update_readme(T):
    path = os.path.join(HERE, "README.md")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    begin, end = "<!-- truth:begin -->", "<!-- truth:end -->"
    if begin not in text or end not in text:
        raise SystemExit(f"{path}: missing the {begin} / {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(head + begin + "\n" + readme_tables(T) + "\n" + end + tail)


if __name__ == "__main__":
    main()
