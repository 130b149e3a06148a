# replicate_design_effects.R -- the independent oracle for the design effects of estimates on
# replicate-weight designs (R's svrepdesign with combined.weights = TRUE), for
# ReplicateDesignEffectOracleTests: svymean(..., deff = TRUE) and svytotal(..., deff = TRUE) of y,
# svymean(~factor(cat), deff = TRUE) (proportions), svyratio(~num, ~x, deff = TRUE), and the same
# by region through svyby(..., deff = TRUE). R's replicate deff is v / vsrs with vsrs =
# svyvar(x)/n * (N - n)/N, n every row of the (sub)design (length(pweights)), rows of weight 0
# too, N the weights' sum; a ratio's is that of the total of its residuals num - R*x, which
# svyratio(..., deff = TRUE) means to compute but on a replicate design stops before (below).
#
# What it makes (under Tests/StatsEngineTests/Fixtures/replicate/):
#   rep_jkn_zero.csv        rep_jkn.csv with the first three rows' weights (and replicate
#                           weights) 0: R counts them in n, as linearization does not
#   deff_expected.csv       one row per output row: the design (data, type, rho, scale,
#                           rscales, mse as in expected.csv), statistic, by, group, category,
#                           R's estimate and deff
# It reads the replicate data sets replicate_fixtures.R wrote (rep_jk1, rep_jkn, rep_brr,
# rep_fay, rep_boot; JKn's rscales from its expected.csv).
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/replicate_design_effects.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/replicate_design_effects.R")
dir <- file.path("Tests", "StatsEngineTests", "Fixtures", "replicate")
num17 <- function(x) { x <- as.numeric(x); ifelse(is.na(x), "", sprintf("%.17g", x)) }
read <- function(name) read.csv(file.path(dir, paste0(name, ".csv")), encoding = "UTF-8", stringsAsFactors = FALSE,
                                na.strings = c("", "NA"))

zero <- read("rep_jkn")
zero[1:3, c("w", grep("^repw", names(zero), value = TRUE))] <- 0
write.csv(zero, file.path(dir, "rep_jkn_zero.csv"), row.names = FALSE, fileEncoding = "UTF-8", na = "")

expected <- read.csv(file.path(dir, "expected.csv"), colClasses = "character")
jkn_rscales <- expected$rscales[expected$case == "jkn/mean"]
designs <- list(
  list(data = "rep_jk1", type = "JK1", our = "jk1"),
  list(data = "rep_jk1", type = "JK1", our = "jk1", mse = TRUE),
  list(data = "rep_jkn", type = "JKn", our = "jkn", rscales = jkn_rscales),
  list(data = "rep_jkn_zero", type = "JKn", our = "jkn", rscales = jkn_rscales),
  list(data = "rep_brr", type = "BRR", our = "brr"),
  list(data = "rep_fay", type = "Fay", our = "fay", rho = 0.3),
  list(data = "rep_boot", type = "bootstrap", our = "bootstrap"),
  list(data = "rep_jkn", type = "successive-difference", our = "sdr", mse = TRUE),
  list(data = "rep_jkn", type = "other", our = "other", scale = 0.07, rscales = paste(num17(seq(0.5, 1.5, length.out = 15)), collapse = ",")))

rows <- list()
for (d in designs) {
  data <- read(d$data)
  rscales <- if (is.null(d$rscales)) NULL else as.numeric(strsplit(d$rscales, ",")[[1]])
  mse <- isTRUE(d$mse)
  # JK1 without a scale: R guesses (R-1)/R from the replicate count, with a warning.
  r <- suppressWarnings(svrepdesign(data = data, repweights = "repw[0-9]+", weights = ~w, type = d$type, rho = d$rho, scale = d$scale,
                   rscales = rscales, combined.weights = TRUE, mse = mse))
  add <- function(statistic, by, group, category, estimate, deff) {
    rows[[length(rows) + 1]] <<- data.frame(
      data = d$data, type = d$our, rho = if (is.null(d$rho)) "" else num17(d$rho), scale = if (is.null(d$scale)) "" else num17(d$scale),
      rscales = if (is.null(d$rscales)) "" else d$rscales, mse = if (mse) "TRUE" else "FALSE",
      statistic = statistic, by = by, group = group, category = category,
      estimate = num17(estimate), deff = num17(deff), stringsAsFactors = FALSE)
  }
  for (statistic in c("mean", "total")) {
    f <- if (statistic == "mean") svymean else svytotal
    m <- f(~y, r, deff = TRUE)
    add(statistic, "", "", "", coef(m), deff(m))
    b <- svyby(~y, ~region, r, f, deff = TRUE)
    for (i in seq_len(nrow(b))) add(statistic, "region", rownames(b)[i], "", coef(b)[i], deff(b)[i])
  }
  # svyratio.svyrep.design's deff = TRUE stops in 4.1.1 ("incorrect number of dimensions" at
  # rval$ratio[i, j]); what it computes there is deff(svytotal(num - ratio * x)), taken here.
  m <- svyratio(~num, ~x, r)
  rr <- update(r, e = num - coef(m) * x)
  add("ratio", "", "", "", coef(m), deff(svytotal(~e, rr, deff = TRUE)))
  b <- svyby(~num, ~region, r, svyratio, denominator = ~x)
  rr <- update(r, e = num - coef(b)[region] * x)
  be <- svyby(~e, ~region, rr, svytotal, deff = TRUE)
  for (i in seq_len(nrow(b))) add("ratio", "region", rownames(b)[i], "", coef(b)[i], deff(be)[i])
  m <- svymean(~factor(cat), r, deff = TRUE)
  levels <- sub("factor\\(cat\\)", "", names(coef(m)))
  for (i in seq_along(levels)) add("proportion", "", "", levels[i], coef(m)[i], deff(m)[i])
  b <- svyby(~factor(cat), ~region, r, svymean, deff = TRUE)
  for (i in seq_len(nrow(b))) for (j in seq_along(levels)) {
    k <- (j - 1) * nrow(b) + i   # coef(b) runs over the groups within each category
    add("proportion", "region", rownames(b)[i], levels[j], coef(b)[k], deff(b)[[j]][i])
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(dir, "deff_expected.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat(nrow(out), "expected rows\n")
