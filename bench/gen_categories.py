"""The many-categories shape for bench/run-categories.sh: python3 bench/gen_categories.py ROWS LEVELS FILE [SEED].
A stratified cluster sample (20 strata of 10 PSUs) of ROWS people with a code of LEVELS levels
(postcodes, occupations), Zipf-like: a few common, most with a handful of rows.
Columns: stratum, psu, weight, code."""
import sys
import numpy as np

n, levels, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
H, P = 20, 10
stratum = rng.integers(0, H, n)
psu = stratum * P + rng.integers(0, P, n)
p = 1 / np.arange(1, levels + 1) ** 0.8
code = rng.choice(levels, size=n, p=p / p.sum())
weight = 80 + 40 * rng.random(n)
with open(out, "w") as f:
    f.write("stratum,psu,weight,code\n")
    for row in zip(stratum, psu, np.char.mod("%.3f", weight), np.char.mod("c%05d", code)):
        f.write(",".join(map(str, row)) + "\n")
