#!/usr/bin/env python3
"""Makes the bundled barometer data of disparity: a synthetic finite population of Copenhagen's
ten districts, the samples drawn from it, its true values and the barometer configuration.

    python3 datasets/make_datasets.py        (from the repository root; needs numpy only)

Seeded and deterministic: running it twice writes byte-identical files. It writes, next to
itself: population_residents.csv, population_labour.csv, resident_survey.csv, pupils.csv,
labour_force.csv, municipal_staff.csv, truth.json and barometer.yaml, and regenerates the
true-value tables between the `truth:begin` / `truth:end` markers of README.md.
survey_sample.csv is not touched (it comes from ../shared/bench/gen_survey.py).

Every true value in truth.json is computed from the population files exactly as written
(integers and short decimals), so a test can recompute it from the CSVs.
"""
import json
import os
from fractions import Fraction

import numpy as np

SEED = 20240615
HERE = os.path.dirname(os.path.abspath(__file__))
WAVES = (2010, 2024)

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

# Sample sizes.
RS_BLOCKS = 30        # resident survey: blocks per district per wave (SRSWOR)
RS_PER_BLOCK = 12     # resident survey: residents per sampled block (SRSWOR)
RS_MISSING = 0.02     # item nonresponse, MCAR, per item
LF_BLOCKS = 30        # labour force survey: blocks per district (SRSWOR)
LF_PER_BLOCK = 24     # labour force survey: persons 18-66 per sampled block (all when fewer)
STAFF = 10000         # municipal workforce register
MANAGER_SHARE = 0.065


def rngs(n):
    return [np.random.default_rng(s) for s in np.random.SeedSequence(SEED).spawn(n)]


R_POP, R_ITEMS, R_RS, R_LAB, R_LFS, R_PUP, R_STAFF = rngs(7)


def expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def bern(rng, p):
    return (rng.random(np.shape(p)) < p).astype(np.int64)


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
    # Age: adults, younger in Copenhagen and among minorities.
    age = np.where(rng.random(n) < 0.86,
                   18 + np.floor(rng.beta(1.35, 2.0, n) * 49),      # 18..66
                   67 + np.floor(rng.beta(1.1, 2.6, n) * 29)).astype(np.int64)  # 67..95
    young = (minority == 1) & (age >= 67) & (rng.random(n) < 0.55)
    age[young] = 18 + np.floor(rng.beta(1.3, 2.2, young.sum()) * 49).astype(np.int64)
    return dict(n=n, B=B, block_id=block_id, block_district=block_district, block_size=block_size,
                deprived_block=deprived_block, district=district, block=block, bidx=bidx,
                deprived=deprived, minority=minority, age=age)


def make_items(P):
    """Survey items of every resident in both waves."""
    rng = R_ITEMS
    n, B, bidx = P["n"], P["B"], P["bidx"]
    mino, dep, dist = P["minority"], P["deprived"], P["district"]
    # Person and block effects shared by the waves (a resident keeps her outlook).
    u_inc, u_dis, u_srv, u_saf = (rng.normal(0, s, B) for s in (0.45, 0.40, 0.45, 0.32))
    v_inc, v_dis, v_srv, v_saf = (rng.normal(0, s, n) for s in (0.7, 0.6, 0.6, 0.55))
    saf_d = np.array([d[5] for d in DISTRICTS])
    items = {}
    for w in WAVES:
        t = 1.0 if w == 2024 else 0.0
        e = lambda s, size: rng.normal(0, s, size)
        inc = 2.65 - 1.40 * mino - 0.30 * dep + t * (0.12 + 0.20 * mino + 0.15 * dep) \
            + u_inc[bidx] + e(0.12, B)[bidx] + v_inc
        dis = -2.75 + 1.75 * mino + 0.25 * dep - t * (0.06 + 0.16 * mino) \
            + u_dis[bidx] + e(0.12, B)[bidx] + v_dis
        srv = -1.75 + 0.45 * mino + 0.85 * dep + t * (0.06 + 0.35 * dep + 0.15 * dep * mino) \
            + u_srv[bidx] + e(0.12, B)[bidx] + v_srv
        lat = 4.05 + saf_d[dist] - 0.62 * dep - 0.08 * mino + t * (0.07 + 0.33 * dep) \
            + u_saf[bidx] + e(0.10, B)[bidx] + v_saf
        items[w] = {
            "included": bern(rng, expit(inc)),
            "discriminated": bern(rng, expit(dis)),
            "uses_services": bern(rng, expit(srv)),
            "safe_day": np.clip(np.rint(lat + 0.55 + e(0.55, n)), 1, 5).astype(np.int64),
            "safe_night": np.clip(np.rint(lat - 0.75 + e(0.70, n)), 1, 5).astype(np.int64),
            "safe_home": np.clip(np.rint(lat + 0.45 + e(0.55, n)), 1, 5).astype(np.int64),
        }
    return items


ITEMS = ["included", "discriminated", "uses_services", "safe_day", "safe_night", "safe_home"]
SAFETY = ["safe_day", "safe_night", "safe_home"]


def make_labour(P):
    """Education and 2024 labour-market status of the residents aged 18-66."""
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
    e_un = np.array([1.35, 1.05, 0.45, 0.20, 0.0])[edu]
    age_un = np.where(age <= 24, 0.55, np.where(age <= 29, 0.25, np.where(age >= 60, 0.25, 0.0)))
    un_lin = -3.40 + e_un + age_un + 0.66 * mino + 0.20 * dep + u_blk[bidx]
    unemp = inlf * bern(rng, expit(un_lin))
    status = np.where(inlf == 0, 2, np.where(unemp == 1, 1, 0))
    return dict(sel=sel, n=n, id=sel + 1, district=P["district"][sel], block=P["block"][sel],
                bidx=bidx, minority=mino, age=age, edu=edu, status=status,
                inlf=inlf, unemp=unemp)


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
# Pupils (register of grade-9 pupils in both years) and municipal staff (register)
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
    for year in WAVES:
        t = year == 2024
        for sid, d, bil_u, eff, size in schools:
            n = max(20, int(round(size * (1 + rng.normal(0, 0.08)))))
            share = DISTRICTS[d][4]
            pb = expit(np.log(share / (1 - share)) + bil_u + (0.12 if t else 0.0))
            bil = bern(rng, np.full(n, pb))
            z = rng.normal(0, 1, n)
            sd = np.where(bil == 1, 96.0, 88.0)
            mu = 512 + eff - 52 * bil + (4 if t else 0) + (6 * bil if t else 0)
            score = mu + sd * z
            if t:   # the weakest quarter of bilingual pupils improves more by 2024
                lift = np.maximum(0.0, -0.674 - z) * 24 + np.where(z < -0.674, 8, 0)
                score = score + bil * lift
            score = np.clip(score, 100, 900)
            for b, s in zip(bil, score):
                rows.append((year, d, sid, int(b), "%.1f" % s))
    return rows, schools


def make_staff(L):
    rng = R_STAFF
    n = STAFF
    manager = (rng.random(n) < MANAGER_SHARE).astype(np.int64)
    p_staff = np.array([0.03, 0.11, 0.09, 0.36, 0.41])
    p_mgr = np.array([0.00, 0.01, 0.03, 0.14, 0.82])
    u = rng.random(n)
    edu = np.where(manager == 1, (u[:, None] > np.cumsum(p_mgr)).sum(1),
                   (u[:, None] > np.cumsum(p_staff)).sum(1))
    edu = np.minimum(edu, 4)
    # Minority share within education in the labour force, then under-representation.
    lf = L["inlf"] == 1
    share_e = np.array([L["minority"][lf & (L["edu"] == e)].mean() for e in range(5)])
    odds = share_e / (1 - share_e)
    lo = np.log(odds[edu]) + np.where(manager == 1, -0.75, -0.30)
    minority = bern(rng, expit(lo))
    wd = np.array([d[1] for d in DISTRICTS], float); wd[0] *= 2.2   # city hall in Indre By
    district = rng.choice(ND, n, p=wd / wd.sum())
    order = np.lexsort((rng.random(n), district))   # ids in workplace order
    return dict(n=n, manager=manager[order], edu=edu[order], minority=minority[order],
                district=district[order])


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


def main():
    P = make_population()
    I = make_items(P)
    L = make_labour(P)

    # population_residents.csv
    header = ["id", "district", "block", "origin", "deprived_area"] + \
        [f"{it}_{w}" for w in WAVES for it in ITEMS]
    cols = [np.arange(1, P["n"] + 1), [NAMES[d] for d in P["district"]], P["block"],
            [origin_text(m) for m in P["minority"]], P["deprived"]] + \
        [I[w][it] for w in WAVES for it in ITEMS]
    write_csv("population_residents.csv", header, zip(*[list(map(str, c)) if not isinstance(c, list) else c for c in cols]))

    # population_labour.csv
    header = ["id", "district", "block", "origin", "education", "age", "status"]
    write_csv("population_labour.csv", header, zip(
        L["id"], [NAMES[d] for d in L["district"]], L["block"], [origin_text(m) for m in L["minority"]],
        [EDUCATION[e] for e in L["edu"]], L["age"], [STATUS[s] for s in L["status"]]))

    # resident_survey.csv: an independent stratified two-stage sample per wave
    rs_rows = []
    for w in WAVES:
        rows, Nh, nh, Mi, mi = two_stage(R_RS, P, P["bidx"], RS_BLOCKS, RS_PER_BLOCK)
        wt = weight_text(Nh, nh, Mi, mi)
        vals = {it: I[w][it][rows].astype(object) for it in ITEMS}
        miss = {it: R_RS.random(len(rows)) < RS_MISSING for it in ITEMS}
        for k, r in enumerate(rows):
            cells = ["" if miss[it][k] else str(vals[it][k]) for it in ITEMS]
            if any(miss[it][k] for it in SAFETY):
                si = ""
            else:
                si = SAFETY_TEXT[sum(int(vals[it][k]) for it in SAFETY)]
            d = P["district"][r]
            rs_rows.append([w, NAMES[d], P["block"][r], r + 1, w * 100 + d + 1,
                            w * 10000 + P["block"][r], Nh[k], Mi[k], wt[k],
                            origin_text(P["minority"][r]), P["deprived"][r]] + cells + [si])
    write_csv("resident_survey.csv",
              ["wave", "district", "block", "id", "stratum", "psu", "blocks_in_district",
               "residents_in_block", "weight", "origin", "deprived_area"] + ITEMS + ["safety_index"],
              rs_rows)

    # labour_force.csv: stratified two-stage sample of persons 18-66 (2024)
    rows, Nh, nh, Mi, mi = two_stage(R_LFS, P, L["bidx"], LF_BLOCKS, LF_PER_BLOCK)
    wt = weight_text(Nh, nh, Mi, mi)
    lf_rows = []
    for k, r in enumerate(rows):
        s = L["status"][r]
        lf_rows.append([NAMES[L["district"][r]], L["block"][r], L["id"][r], Nh[k], Mi[k], wt[k],
                        origin_text(L["minority"][r]), EDUCATION[L["edu"][r]], L["age"][r],
                        STATUS[s], int(s != 2), int(s == 1)])
    write_csv("labour_force.csv",
              ["district", "psu", "id", "blocks_in_district", "persons_in_block", "weight", "origin",
               "education", "age", "status", "in_labour_force", "unemployed"], lf_rows)

    # pupils.csv
    pupil_rows, schools = make_pupils()
    write_csv("pupils.csv", ["year", "district", "school", "bilingual", "score"],
              [(y, NAMES[d], s, b, sc) for y, d, s, b, sc in pupil_rows])

    # municipal_staff.csv
    S = make_staff(L)
    write_csv("municipal_staff.csv", ["id", "role", "origin", "education", "district"],
              zip(range(1, S["n"] + 1), ["manager" if m else "staff" for m in S["manager"]],
                  [origin_text(m) for m in S["minority"]], [EDUCATION[e] for e in S["edu"]],
                  [NAMES[d] for d in S["district"]]))

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
    qv = math_quantile(values, q)
    below = [Fraction(x) for x in values if Fraction(x) <= qv]
    return qv, Fraction(sum(below), len(below)), len(below)


def f(x):
    """True values are kept as exact Fractions until `exact_to_float` rounds them once."""
    return x


def exact_to_float(x):
    if isinstance(x, dict):
        return {k: exact_to_float(v) for k, v in x.items()}
    if isinstance(x, Fraction):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    return x


def compute_truth():
    T = {"about": (
        "True values of the synthetic finite population behind the bundled samples, computed "
        "exactly (rational arithmetic, rounded once to double) from population_residents.csv, "
        "population_labour.csv, pupils.csv and municipal_staff.csv as written. Shares are "
        "proportions in [0, 1]; gaps, changes and differences named *_pp are percentage points; "
        "changes are 2024 minus 2010; gaps are minority minus majority (pupils: bilingual minus "
        "others).")}
    # --- labour force (goal 2) -----------------------------------------------------------------
    lab = read_csv("population_labour.csv")
    inlf = lab["status"] != "outside"
    un = lab["status"] == "unemployed"
    mino = lab["origin"] == "minority"
    u = {}
    for o in ("majority", "minority"):
        g = lab["origin"] == o
        u[o] = {"population_18_66": int(g.sum()), "labour_force": int((g & inlf).sum()),
                "unemployed": int((g & un).sum()),
                "participation_rate": f(Fraction(int((g & inlf).sum()), int(g.sum()))),
                "unemployment_rate": f(Fraction(int((g & un).sum()), int((g & inlf).sum())))}
    rate = lambda o: Fraction(u[o]["unemployed"], u[o]["labour_force"])
    gap = rate("minority") - rate("majority")
    # Education/age adjustment: Oaxaca-Blinder on a linear probability model among labour-force
    # members, covariates factor(education) + age, as `gap --adjust`.
    X = np.column_stack([np.ones(inlf.sum())] +
                        [(lab["education"][inlf] == e).astype(float) for e in sorted(EDUCATION)[1:]] +
                        [lab["age"][inlf].astype(float)])
    y = un[inlf].astype(float); m = mino[inlf]
    ols = lambda A, b: np.linalg.lstsq(A, b, rcond=None)[0]
    b_r = ols(X[~m], y[~m]); b_pool = ols(np.column_stack([X, m.astype(float)]), y)[:-1]
    dx = X[m].mean(0) - X[~m].mean(0)
    T["unemployment"] = {
        "definition": "unemployed / labour-force members (status employed or unemployed), persons 18-66, population_labour.csv",
        "by_origin": u,
        "overall_rate": f(Fraction(int(un.sum()), int(inlf.sum()))),
        "gap_pp": f(100 * gap),
        "ratio": f(rate("minority") / rate("majority")),
        "adjusted": {
            "covariates": "factor(education) + age",
            "model": "linear probability model among labour-force members (Oaxaca-Blinder, twofold)",
            "unexplained_pp_reference_coefficients": float(100 * (gap - dx @ b_r)),
            "explained_pp_reference_coefficients": float(100 * (dx @ b_r)),
            "unexplained_pp_pooled_coefficients": float(100 * (gap - dx @ b_pool)),
            "explained_pp_pooled_coefficients": float(100 * (dx @ b_pool)),
        },
    }
    # --- representation (goal 3) -----------------------------------------------------------------
    st = read_csv("municipal_staff.csv")
    lf_share = Fraction(int((mino & inlf).sum()), int(inlf.sum()))
    lf_share_e = {e: Fraction(int((mino & inlf & (lab["education"] == e)).sum()),
                              int((inlf & (lab["education"] == e)).sum())) for e in EDUCATION}
    rep = {"labour_force_minority_share": f(lf_share),
           "labour_force_minority_share_by_education": {e: f(v) for e, v in lf_share_e.items()},
           "definition_expected": "sum over education levels of the group's education share times the minority share of the labour force (population_labour.csv, status != outside) within that level"}
    for label, sel in (("all_employees", np.ones(len(st["role"]), bool)),
                       ("staff", st["role"] == "staff"), ("managers", st["role"] == "manager")):
        n = int(sel.sum())
        share = Fraction(int((sel & (st["origin"] == "minority")).sum()), n)
        exp = sum(Fraction(int((sel & (st["education"] == e)).sum()), n) * lf_share_e[e] for e in EDUCATION)
        rep[label] = {"n": n, "minority_share": f(share),
                      "difference_pp": f(100 * (share - lf_share)), "ratio": f(share / lf_share),
                      "education_standardised_expected_share": f(exp),
                      "difference_from_expected_pp": f(100 * (share - exp)),
                      "ratio_to_expected": f(share / exp),
                      "share_of_gap_explained_by_education": f((lf_share - exp) / (lf_share - share))}
    T["representation"] = rep
    # --- pupils (goal 1) -------------------------------------------------------------------------
    pu = read_csv("pupils.csv")
    pupils = {}
    for y in WAVES:
        py = {}
        for label, b in (("bilingual", "1"), ("others", "0")):
            sc = pu["score"][(pu["year"] == str(y)) & (pu["bilingual"] == b)]
            qv, lm, nb = lower_mean(sc, 0.25)
            py[label] = {"n": len(sc), "mean": f(frac_mean(sc)), "q25": f(qv),
                         "lower_mean_25": f(lm), "n_at_or_below_q25": nb}
        py["gap_lower_mean_25"] = py["bilingual"]["lower_mean_25"] - py["others"]["lower_mean_25"]
        pupils[str(y)] = py
    for label in ("bilingual", "others"):
        pupils.setdefault("change", {})[label] = {
            k: pupils["2024"][label][k] - pupils["2010"][label][k] for k in ("mean", "q25", "lower_mean_25")}
    pupils["definition"] = ("q25: R survey qrule='math' (smallest score whose cumulative share reaches 0.25); "
                            "lower_mean_25: mean of the scores at or below q25")
    T["pupils"] = pupils
    # --- residents: inclusion, discrimination, services, safety (goals 4-7) -------------------
    res = read_csv("population_residents.csv")
    r_min = res["origin"] == "minority"
    dep = res["deprived_area"] == "1"
    share = lambda col, sel: Fraction(int((col[sel] == "1").sum()), int(sel.sum()))
    for item in ("included", "discriminated"):
        out = {}
        for w in WAVES:
            col = res[f"{item}_{w}"]
            out[str(w)] = {"majority": f(share(col, ~r_min)), "minority": f(share(col, r_min)),
                           "all": f(share(col, np.ones_like(r_min))),
                           "gap_pp": f(100 * (share(col, r_min) - share(col, ~r_min)))}
        out["change_pp"] = {k: 100 * (out["2024"][k] - out["2010"][k]) for k in ("majority", "minority", "all")}
        out["change_pp"]["gap_pp"] = out["2024"]["gap_pp"] - out["2010"]["gap_pp"]
        T[item] = out
    srv = {}
    for w in WAVES:
        col = res[f"uses_services_{w}"]
        srv[str(w)] = {"minority_deprived": f(share(col, r_min & dep)),
                       "majority_deprived": f(share(col, ~r_min & dep)),
                       "all_deprived": f(share(col, dep)), "all_other_areas": f(share(col, ~dep))}
    srv["change_pp"] = {k: 100 * (srv["2024"][k] - srv["2010"][k]) for k in srv["2010"]}
    srv["n_minority_deprived"] = int((r_min & dep).sum())
    T["uses_services"] = srv

    def safety(sel, w):
        tot = sum(int(res[f"{it}_{w}"][sel].astype(np.int64).sum()) for it in SAFETY)
        return Fraction(25 * tot, 3 * int(sel.sum())) - 25
    saf = {"definition": "mean over residents of 25*(mean of safe_day, safe_night, safe_home - 1), 0-100"}
    for w in WAVES:
        saf[str(w)] = {"all": f(safety(np.ones(len(dep), bool), w)),
                       "deprived_area": {"1": f(safety(dep, w)), "0": f(safety(~dep, w))},
                       "district": {nm: f(safety(res["district"] == nm, w)) for nm in NAMES}}
    saf["change"] = {"all": saf["2024"]["all"] - saf["2010"]["all"],
                     "deprived_area": {k: saf["2024"]["deprived_area"][k] - saf["2010"]["deprived_area"][k] for k in ("1", "0")},
                     "district": {nm: saf["2024"]["district"][nm] - saf["2010"]["district"][nm] for nm in NAMES}}
    T["safety_index"] = saf
    # --- population sizes --------------------------------------------------------------------------
    T["population"] = {
        "residents": len(res["id"]), "blocks": len(np.unique(res["block"])),
        "deprived_blocks": len(np.unique(res["block"][dep])), "residents_in_deprived_areas": int(dep.sum()),
        "minority_share_residents": f(Fraction(int(r_min.sum()), len(r_min))),
        "by_district": {nm: {"residents": int((res["district"] == nm).sum()),
                             "blocks": len(np.unique(res["block"][res["district"] == nm])),
                             "deprived_blocks": len(np.unique(res["block"][(res["district"] == nm) & dep])),
                             "minority_share": f(Fraction(int((r_min & (res["district"] == nm)).sum()),
                                                          int((res["district"] == nm).sum())))}
                        for nm in NAMES},
        "labour_population_18_66": len(lab["id"]), "pupils": {str(y): int((pu["year"] == str(y)).sum()) for y in WAVES},
        "schools": len(np.unique(pu["school"])), "municipal_employees": len(st["id"]),
    }
    # --- the seven goals of barometer.yaml, in each goal's scale --------------------------------
    def period(base, cur, **extra):
        return dict(extra, baseline=base, current=cur, change=cur - base)
    inc, dis, sv, sf = T["included"], T["discriminated"], T["uses_services"], T["safety_index"]
    T["goals"] = {
        "1": period(pupils["2010"]["bilingual"]["lower_mean_25"], pupils["2024"]["bilingual"]["lower_mean_25"],
                    what="lower mean (q = 0.25) of score, bilingual pupils", scale="score points"),
        "2": {"what": "unemployment rate minority minus majority", "scale": "pp",
              "current": T["unemployment"]["gap_pp"], "target": "<= 5.8"},
        "3": {"what": "education-standardised representation index of minorities among managers "
                      "(their share over the share expected from their education mix and the labour force)",
              "scale": "index", "current": rep["managers"]["ratio_to_expected"], "target": ">= 0.9"},
        "4": period(100 * sv["2010"]["minority_deprived"], 100 * sv["2024"]["minority_deprived"],
                    what="share using municipal services, minorities in deprived areas", scale="percent"),
        "5": period(sf["2010"]["deprived_area"]["1"], sf["2024"]["deprived_area"]["1"],
                    what="safety index, deprived areas", scale="index 0-100", target=">= 70"),
        "6": period(inc["2010"]["gap_pp"], inc["2024"]["gap_pp"],
                    what="share feeling included, minority minus majority", scale="pp"),
        "7": period(dis["2010"]["gap_pp"], dis["2024"]["gap_pp"],
                    what="share experiencing discrimination, minority minus majority", scale="pp"),
    }
    return T


BAROMETER = """\
# Integrationsbarometer for København: the seven goals on the bundled synthetic data.
# Made by make_datasets.py; paths are relative to this file. Targets are on the current
# estimate, in the goal's scale (scale: pp = percent / percentage points). The resident survey
# holds two independent samples (waves): its design uses the wave-specific stratum and psu
# columns and the two-stage fpc; see README.md.
title: "Integrationsbarometer for København"
level: 0.95
goals:
  - id: "1"
    label: "Tosprogede elevers faglige niveau: de svageste 25 % i 9. klasse skal løftes"
    data: pupils.csv
    design: {strata: district, cluster: school}
    stat: lower-mean
    variable: score
    q: 0.25
    subset: "bilingual == 1"
    period: year
    baseline: 2010
    current: 2024
    direction: higher
  - id: "2"
    label: "Etniske minoriteters overledighed: højst 5,8 procentpoint"
    data: labour_force.csv
    design: {weights: weight, strata: district, cluster: psu}
    stat: ratio
    variable: unemployed
    denominator: in_labour_force
    group: origin
    focal: minority
    reference: majority
    scale: pp
    target: "<= 5.8"
    direction: lower
  - id: "3"
    label: "Kommunens ledere afspejler arbejdsstyrken: uddannelsesstandardiseret repræsentationsindeks for etniske minoriteter mindst 0,9"
    measure: representation
    data: municipal_staff.csv
    design: {}
    census: true
    variable: origin
    focal: minority
    subset: "role == manager"
    standardise: education
    report: standardised index
    benchmark: {data: labour_force.csv, design: {weights: weight, strata: district, cluster: psu}, subset: "in_labour_force == 1"}
    target: ">= 0.9"
    direction: higher
  - id: "4"
    label: "Flere etniske minoriteter i de udsatte byområder bruger kommunens tilbud"
    data: resident_survey.csv
    design: {weights: weight, strata: stratum, cluster: "psu,id", fpc: "blocks_in_district,residents_in_block"}
    stat: proportion
    variable: uses_services
    category: 1
    subset: "deprived_area == 1 & origin == minority"
    scale: pp
    period: wave
    baseline: 2010
    current: 2024
    direction: higher
  - id: "5"
    label: "Tryghedsindekset i de udsatte byområder: mindst 70"
    data: resident_survey.csv
    design: {weights: weight, strata: stratum, cluster: "psu,id", fpc: "blocks_in_district,residents_in_block"}
    stat: mean
    variable: safety_index
    subset: "deprived_area == 1"
    period: wave
    baseline: 2010
    current: 2024
    target: ">= 70"
    direction: higher
  - id: "6"
    label: "Flere etniske minoriteter føler sig inkluderet i samfundet: forskellen til majoriteten skal mindskes"
    data: resident_survey.csv
    design: {weights: weight, strata: stratum, cluster: "psu,id", fpc: "blocks_in_district,residents_in_block"}
    stat: proportion
    variable: included
    category: 1
    group: origin
    focal: minority
    reference: majority
    scale: pp
    period: wave
    baseline: 2010
    current: 2024
    direction: higher
  - id: "7"
    label: "Færre etniske minoriteter oplever diskrimination: forskellen til majoriteten skal mindskes"
    data: resident_survey.csv
    design: {weights: weight, strata: stratum, cluster: "psu,id", fpc: "blocks_in_district,residents_in_block"}
    stat: proportion
    variable: discriminated
    category: 1
    group: origin
    focal: minority
    reference: majority
    scale: pp
    period: wave
    baseline: 2010
    current: 2024
    direction: lower
"""


def write_barometer():
    with open(os.path.join(HERE, "barometer.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(BAROMETER)


# ---------------------------------------------------------------------------------------------
# README tables
# ---------------------------------------------------------------------------------------------
def pct(x):
    return f"{100 * x:.2f} %"


def pp(x):
    return f"{x:+.2f}"


def readme_tables(T):
    L = []
    add = L.append
    add("Generated by `make_datasets.py` from `truth.json` (shares in %, gaps and changes in")
    add("percentage points, minority minus majority, 2024 minus 2010). Full precision is in `truth.json`.")
    add("")
    add("**The seven goals** (`truth.json` → `goals`, in each goal's scale)")
    add("")
    add("| goal | true value | 2010 | 2024 | change | target |")
    add("| --- | --- | --- | --- | --- | --- |")
    for gid, g in T["goals"].items():
        if "baseline" in g:
            add(f"| {gid} | {g['what']} ({g['scale']}) | {g['baseline']:.3f} | {g['current']:.3f} | "
                f"{g['change']:+.3f} | {g.get('target', '')} |")
        else:
            add(f"| {gid} | {g['what']} ({g['scale']}) | | {g['current']:.3f} | | {g.get('target', '')} |")
    add("")
    U = T["unemployment"]; A = U["adjusted"]
    add("**Goal 2, unemployment** (population_labour.csv, unemployed / labour force, ages 18–66)")
    add("")
    add("| | majority | minority | gap (pp) | ratio |")
    add("| --- | --- | --- | --- | --- |")
    add(f"| unemployment rate | {pct(U['by_origin']['majority']['unemployment_rate'])} | "
        f"{pct(U['by_origin']['minority']['unemployment_rate'])} | {pp(U['gap_pp'])} | {U['ratio']:.3f} |")
    add(f"| participation rate | {pct(U['by_origin']['majority']['participation_rate'])} | "
        f"{pct(U['by_origin']['minority']['participation_rate'])} | | |")
    add(f"| labour-force members | {U['by_origin']['majority']['labour_force']:,} | "
        f"{U['by_origin']['minority']['labour_force']:,} | | |")
    add("")
    add(f"Adjusted for `factor(education) + age` (Oaxaca-Blinder on a linear probability model): "
        f"unexplained {pp(A['unexplained_pp_reference_coefficients'])} pp with the majority's "
        f"coefficients (explained {pp(A['explained_pp_reference_coefficients'])}), "
        f"{pp(A['unexplained_pp_pooled_coefficients'])} pp with pooled coefficients.")
    add("")
    R = T["representation"]
    add("**Goal 3, representation** (municipal_staff.csv against the labour force of population_labour.csv; "
        f"labour-force minority share {pct(R['labour_force_minority_share'])})")
    add("")
    add("| group | n | minority share | difference (pp) | ratio | education-standardised expected share | ratio to expected |")
    add("| --- | --- | --- | --- | --- | --- | --- |")
    for k, lab in (("all_employees", "all employees"), ("staff", "role = staff"), ("managers", "role = manager")):
        r = R[k]
        add(f"| {lab} | {r['n']:,} | {pct(r['minority_share'])} | {pp(r['difference_pp'])} | {r['ratio']:.3f} | "
            f"{pct(r['education_standardised_expected_share'])} | {r['ratio_to_expected']:.3f} |")
    add("")
    Pu = T["pupils"]
    add("**Goal 1, pupils' scores** (pupils.csv, census of grade 9; q25 by R's `qrule=\"math\"`, "
        "lower mean = mean of the scores at or below q25)")
    add("")
    add("| year | group | n | mean | q25 | lower mean (25 %) |")
    add("| --- | --- | --- | --- | --- | --- |")
    for y in ("2010", "2024"):
        for g in ("bilingual", "others"):
            r = Pu[y][g]
            add(f"| {y} | {g} | {r['n']:,} | {r['mean']:.2f} | {r['q25']:.1f} | {r['lower_mean_25']:.3f} |")
    for g in ("bilingual", "others"):
        c = Pu["change"][g]
        add(f"| change | {g} | | {c['mean']:+.2f} | {c['q25']:+.1f} | {c['lower_mean_25']:+.3f} |")
    add("")
    add("**Goals 6 and 7, inclusion and discrimination** (population_residents.csv)")
    add("")
    add("| item | wave | majority | minority | all | gap (pp) |")
    add("| --- | --- | --- | --- | --- | --- |")
    for item in ("included", "discriminated"):
        for y in ("2010", "2024"):
            r = T[item][y]
            add(f"| {item} | {y} | {pct(r['majority'])} | {pct(r['minority'])} | {pct(r['all'])} | {pp(r['gap_pp'])} |")
        c = T[item]["change_pp"]
        add(f"| {item} | change (pp) | {pp(c['majority'])} | {pp(c['minority'])} | {pp(c['all'])} | {pp(c['gap_pp'])} |")
    add("")
    S = T["uses_services"]
    add("**Goal 4, use of municipal services** (population_residents.csv)")
    add("")
    add("| wave | minorities in deprived areas | majority in deprived areas | all in deprived areas | all elsewhere |")
    add("| --- | --- | --- | --- | --- |")
    for y in ("2010", "2024"):
        r = S[y]
        add(f"| {y} | {pct(r['minority_deprived'])} | {pct(r['majority_deprived'])} | {pct(r['all_deprived'])} | {pct(r['all_other_areas'])} |")
    c = S["change_pp"]
    add(f"| change (pp) | {pp(c['minority_deprived'])} | {pp(c['majority_deprived'])} | {pp(c['all_deprived'])} | {pp(c['all_other_areas'])} |")
    add("")
    Sf = T["safety_index"]
    add("**Goal 5, safety index** (0–100, population_residents.csv)")
    add("")
    add("| area | 2010 | 2024 | change |")
    add("| --- | --- | --- | --- |")
    add(f"| deprived areas | {Sf['2010']['deprived_area']['1']:.3f} | {Sf['2024']['deprived_area']['1']:.3f} | {Sf['change']['deprived_area']['1']:+.3f} |")
    add(f"| other areas | {Sf['2010']['deprived_area']['0']:.3f} | {Sf['2024']['deprived_area']['0']:.3f} | {Sf['change']['deprived_area']['0']:+.3f} |")
    add(f"| Copenhagen | {Sf['2010']['all']:.3f} | {Sf['2024']['all']:.3f} | {Sf['change']['all']:+.3f} |")
    for nm in NAMES:
        add(f"| {nm} | {Sf['2010']['district'][nm]:.3f} | {Sf['2024']['district'][nm]:.3f} | {Sf['change']['district'][nm]:+.3f} |")
    add("")
    Po = T["population"]
    add("**The population by district** (population_residents.csv)")
    add("")
    add("| district | residents | blocks | deprived blocks | minority share |")
    add("| --- | --- | --- | --- | --- |")
    for nm in NAMES:
        r = Po["by_district"][nm]
        add(f"| {nm} | {r['residents']:,} | {r['blocks']} | {r['deprived_blocks']} | {pct(r['minority_share'])} |")
    add(f"| Copenhagen | {Po['residents']:,} | {Po['blocks']} | {Po['deprived_blocks']} | {pct(Po['minority_share_residents'])} |")
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
