"""The many-domains shape for bench/run-domains.sh: python3 bench/gen_domains.py ROWS FILE [SEED].
A stratified cluster sample (20 strata of 10 PSUs) of ROWS people (50,000 in the benchmark) with
municipality (98 levels) and age (15..84, 70 levels): 6,860 municipality-by-age domains, about 7
rows each, a few empty. Columns: stratum, psu, weight, municipality, age, score, employed."""
import sys
import numpy as np

n = int(sys.argv[1]); out = sys.argv[2]
rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
H, P = 20, 10
stratum = rng.integers(0, H, n)
psu = stratum * P + rng.integers(0, P, n)
municipality = rng.integers(0, 98, n)
age = rng.integers(15, 85, n)
u = rng.normal(size=H * P)[psu]
score = 500 + 0.5 * (age - 50) + municipality % 7 + 10 * u + rng.normal(scale=40, size=n)
employed = (rng.random(n) < 1 / (1 + np.exp(-(0.5 - 0.03 * (age - 45) + 0.3 * u)))).astype(int)
weight = 80 + 40 * rng.random(n)
with open(out, "w") as f:
    f.write("stratum,psu,weight,municipality,age,score,employed\n")
    for row in zip(stratum, psu, np.char.mod("%.3f", weight), municipality, age, np.char.mod("%.4f", score), employed):
        f.write(",".join(map(str, row)) + "\n")
