"""Bootstrap replicate weights for bench/run-replicates.sh: python3 bench/gen_replicates.py IN OUT [R] [SEED].
Copies IN (a gen_survey.py file) to OUT with R (default 80) Rao-Wu bootstrap replicate weight
columns repw1..repwR (full weights): in each stratum of n_h PSUs, n_h - 1 PSUs drawn with
replacement; a PSU drawn m times weighs weight * m * n_h / (n_h - 1) (R's
as.svrepdesign(type = "bootstrap") with compress = FALSE). Needs numpy and polars."""
import sys
import numpy as np
import polars as pl

src, out = sys.argv[1], sys.argv[2]
R = int(sys.argv[3]) if len(sys.argv) > 3 else 80
rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 11)
data = pl.read_csv(src)
psus = data.select("stratum", "psu").unique().sort("stratum", "psu")
stratum, psu = psus["stratum"].to_numpy(), psus["psu"].to_numpy()
factors = np.zeros((len(psu), R))
for h in np.unique(stratum):
    rows = np.flatnonzero(stratum == h)
    n = len(rows)
    for r in range(R):
        drawn = np.bincount(rng.integers(0, n, n - 1), minlength=n)
        factors[rows, r] = drawn * n / (n - 1)
index = np.searchsorted(psu, data["psu"].to_numpy())   # psu codes are unique across strata
weight = data["weight"].to_numpy()
reps = pl.DataFrame({f"repw{r + 1}": np.round(weight * factors[index, r], 4) for r in range(R)})
pl.concat([data, reps], how="horizontal").write_csv(out, float_precision=4)
