# make_replicates_fixtures.R -- the independent oracle for disparity's --make-replicates
# (R's as.svrepdesign on a linearization design: jk1weights, jknweights, brrweights with R's
# Hadamard matrices).
#
# What it makes (under Tests/StatsEngineTests/Fixtures/replicate/made/):
#   strata<H>.csv    a design of H strata with exactly 2 PSUs each (2 to 4 rows a PSU, rows in
#                    random order, strata labelled 1..H so that R's text order of the labels
#                    differs from their numeric and first-row orders): stratum, psu (1 or 2,
#                    nested in the stratum), psu_id (stratum/psu, for the unstratified JK1), w,
#                    y, bin, cat, x, region, N (stratum population = 2 + stratum number) and N1
#                    (one population for the unstratified design, 4H)
#   factors_<case>.csv  R's replicate factors for case <case> (as.svrepdesign(compress = TRUE)
#                    $repweights$weights): one line per PSU in R's order, `first_row` the data
#                    row (1-based) where the PSU first appears, then f1..fR; a row's replicate
#                    weight is its sampling weight times its PSU's factor
#   lonely.csv       strata5.csv with a stratum 6 of one PSU (a copy of stratum 1's first PSU)
#   meta.csv         per case: data, kind, fpc column, lonely (R's survey.lonely.psu when the
#                    replicates were made), replicates, scale, rscales (comma-joined, 17
#                    digits), degf
#   expected.csv     estimates and standard errors on made designs, in the columns of
#                    Fixtures/replicate/expected.csv (see oracle/replicate_fixtures.R), with
#                    `kind` and `fpc` instead of `type`, `rho` and `rscales`
#   hadamard.csv     for n = 1..400 strata: the order of R's hadamard(n) and the SHA-256 of
#                    its entries written row by row as 0/1 characters (sha256sum)
#   bootstrap.csv    linearization standard errors (svytotal, svymean) on strata12.csv and
#                    strata5-with-fpc, the targets of the bootstrap kinds' Monte Carlo tests
#
# Cases: jk1 (unstratified: psu_id), jkn and brr for H in 3, 5, 7, 12, 15, 20, 28, 36; jk1 and
# jkn with the fpc (N1, N) for H = 5; jkn on lonely.csv under survey.lonely.psu adjust, remove,
# certainty and average. Estimates: jk1, jkn, brr on H = 12, each with mse FALSE
# and TRUE, and jkn with fpc on H = 5: mean, total, proportion of cat, mean by region (df =
# degf(subset)), the median with R's default interval for replicate designs (interval.type =
# "mean": Woodruff on the replicate variance of the share below the estimate), a gap (svyby
# mean by region, svycontrast Syd - Nord), svyglm gaussian y ~ x + region and quasibinomial
# bin ~ x + y.
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/make_replicates_fixtures.R

suppressPackageStartupMessages(library(survey))
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "replicate_battery.R"))
stopifnot(packageVersion("survey") == "4.1.1")
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
options(survey.lonely.psu = "fail")

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/make_replicates_fixtures.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "replicate", "made")
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
num17 <- function(x) { x <- as.numeric(x); ifelse(is.na(x), "", sprintf("%.17g", x)) }

make_data <- function(H) {
  set.seed(1000 + H)
  parts <- list()
  for (h in 1:H) for (p in 1:2) {
    m <- sample(2:4, 1)
    x <- round(runif(m, 0, 10), 2)
    y <- round(40 + 2 * x + h / 3 + rnorm(m, 0, 8), 2)
    parts[[length(parts) + 1]] <- data.frame(stratum = h, psu = p, psu_id = paste(h, p, sep = "/"),
                                             w = round(runif(m, 5, 30), 2), y = y,
                                             bin = as.integer(runif(m) < plogis(-2 + 0.3 * x)),
                                             cat = sample(c("a", "b", "c"), m, replace = TRUE), x = x,
                                             region = sample(c("Nord", "Syd"), m, replace = TRUE),
                                             N = 2 + h, N1 = 4 * H, stringsAsFactors = FALSE)
  }
  d <- do.call(rbind, parts)
  d <- d[sample(nrow(d)), ]
  rownames(d) <- NULL
  d
}

read_back <- function(path) read.csv(path, stringsAsFactors = FALSE, encoding = "UTF-8")

strata_counts <- c(3, 5, 7, 12, 15, 20, 28, 36)
datas <- list()
for (H in strata_counts) {
  path <- file.path(outdir, paste0("strata", H, ".csv"))
  write.csv(make_data(H), path, row.names = FALSE, fileEncoding = "UTF-8")
  datas[[as.character(H)]] <- read_back(path)
}

# A stratum with a single PSU (stratum 6, added to strata5) for R's survey.lonely.psu rules.
lonely <- datas[["5"]]
lonely <- rbind(lonely, transform(lonely[lonely$stratum == 1 & lonely$psu == 1, ], stratum = 6, psu_id = "6/1", N = 8))
write.csv(lonely, file.path(outdir, "lonely.csv"), row.names = FALSE, fileEncoding = "UTF-8")
datas[["lonely"]] <- read_back(file.path(outdir, "lonely.csv"))

design_for <- function(H, kind, fpc = "") {
  d <- datas[[as.character(H)]]
  if (kind == "jk1") {
    if (fpc == "") svydesign(ids = ~psu_id, weights = ~w, data = d)
    else svydesign(ids = ~psu_id, weights = ~w, fpc = as.formula(paste0("~", fpc)), data = d)
  } else {
    if (fpc == "") svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = d)
    else svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = as.formula(paste0("~", fpc)), nest = TRUE, data = d)
  }
}
r_type <- c(jk1 = "JK1", jkn = "JKn", brr = "BRR")

make <- function(H, kind, fpc = "", mse = FALSE, lonely = "fail") {
  des <- design_for(H, kind, fpc)
  stopifnot(H == "lonely" || length(unique(des$cluster[, 1])) == 2 * H)
  old <- options(survey.lonely.psu = lonely)
  on.exit(options(old))
  as.svrepdesign(des, type = r_type[[kind]], compress = TRUE, mse = mse)
}

# Replicate factors and settings.
meta <- list()
cases <- list()
for (H in strata_counts) for (kind in c("jk1", "jkn", "brr")) cases[[length(cases) + 1]] <- list(H = H, kind = kind, fpc = "", lonely = "fail")
cases[[length(cases) + 1]] <- list(H = 5, kind = "jk1", fpc = "N1", lonely = "fail")
cases[[length(cases) + 1]] <- list(H = 5, kind = "jkn", fpc = "N", lonely = "fail")
for (rule in c("adjust", "remove", "certainty", "average"))
  cases[[length(cases) + 1]] <- list(H = "lonely", kind = "jkn", fpc = "", lonely = rule)
for (cs in cases) {
  r <- make(cs$H, cs$kind, cs$fpc, lonely = cs$lonely)
  name <- paste0(cs$kind, "_", cs$H, if (cs$fpc != "") "_fpc" else "", if (cs$lonely != "fail") paste0("_", cs$lonely) else "")
  rw <- r$repweights
  stopifnot(inherits(rw, "repweights_compressed"))
  d <- datas[[as.character(cs$H)]]
  psu <- if (cs$kind == "jk1") d$psu_id else paste(d$stratum, d$psu, sep = "/")
  first <- which(!duplicated(psu))
  stopifnot(identical(rw$index, match(psu, psu[first])))
  F <- rw$weights
  out <- data.frame(first_row = first)
  for (j in seq_len(ncol(F))) out[[paste0("f", j)]] <- num17(F[, j])
  write.csv(out, file.path(outdir, paste0("factors_", name, ".csv")), row.names = FALSE)
  # The analysis weights are the factors times the sampling weights, as the engine makes them
  # (R's sampling weights are 1/(1/w): equal to w within a rounding).
  stopifnot(max(abs(weights(r, "analysis") - F[rw$index, ] * d$w)) <= 1e-14 * max(d$w))
  meta[[length(meta) + 1]] <- data.frame(case = name, data = if (cs$H == "lonely") "lonely" else paste0("strata", cs$H), kind = cs$kind,
                                         fpc = cs$fpc, lonely = cs$lonely, replicates = ncol(F), scale = num17(r$scale),
                                         rscales = paste(num17(r$rscales), collapse = ","), degf = degf(r),
                                         stringsAsFactors = FALSE)
}
write.csv(do.call(rbind, meta), file.path(outdir, "meta.csv"), row.names = FALSE)

# Estimates on made designs.
rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)
estimate_cases <- list(list(H = 12, kind = "jk1", fpc = "", mse = FALSE), list(H = 12, kind = "jk1", fpc = "", mse = TRUE),
                       list(H = 12, kind = "jkn", fpc = "", mse = FALSE), list(H = 12, kind = "jkn", fpc = "", mse = TRUE),
                       list(H = 12, kind = "brr", fpc = "", mse = FALSE), list(H = 12, kind = "brr", fpc = "", mse = TRUE),
                       list(H = 5, kind = "jkn", fpc = "N", mse = FALSE))
for (cs in estimate_cases) {
  r <- make(cs$H, cs$kind, cs$fpc, cs$mse)
  cname <- paste0(cs$kind, "_", cs$H, if (cs$fpc != "") "_fpc" else "", if (cs$mse) "_mse" else "")
  base <- list(data = paste0("strata", cs$H), kind = cs$kind, fpc = cs$fpc, mse = if (cs$mse) "TRUE" else "FALSE")
  row <- replicate_recorder(add, cname, base)
  replicate_battery(r, row, ratio = FALSE)
}
write.csv(do.call(rbind, rows), file.path(outdir, "expected.csv"), row.names = FALSE, fileEncoding = "UTF-8")

# R's Hadamard matrices for 1..400 strata: order and digest.
had <- lapply(1:400, function(n) {
  H <- survey:::hadamard(n)
  text <- paste(apply(H, 1, paste, collapse = ""), collapse = "")
  tf <- tempfile(); writeChar(text, tf, eos = NULL)
  sha <- sub(" .*", "", system2("sha256sum", tf, stdout = TRUE))
  unlink(tf)
  data.frame(strata = n, order = nrow(H), sha256 = sha)
})
write.csv(do.call(rbind, had), file.path(outdir, "hadamard.csv"), row.names = FALSE)

# Linearization targets of the bootstrap kinds.
boot <- list()
for (cs in list(list(H = 12, fpc = ""), list(H = 5, fpc = "N"))) {
  des <- design_for(cs$H, "jkn", cs$fpc)
  t <- svytotal(~y, des); m <- svymean(~y, des)
  boot[[length(boot) + 1]] <- data.frame(data = paste0("strata", cs$H), fpc = cs$fpc,
                                         total = num17(coef(t)), total_se = num17(SE(t)),
                                         mean = num17(coef(m)), mean_se = num17(SE(m)))
}
write.csv(do.call(rbind, boot), file.path(outdir, "bootstrap.csv"), row.names = FALSE)
cat(length(rows), "expected rows,", length(meta), "replicate cases\n")
