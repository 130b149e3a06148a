# proportion_intervals.R -- the oracle for proportions' intervals (`--ci-method logit` and
# `korn-graubard`, R's svyciprop methods "logit" and "beta") where the survey battery
# (survey_fixtures.R) does not reach: on replicate-weight designs, and with rows of zero weight.
#
# What it makes (under Tests/StatsEngineTests/Fixtures/intervals/):
#   zero_weights.csv  a stratified cluster sample (4 strata, 3 PSUs each, 60 rows) with weights
#                     `w` of which six are 0, a factor `cat` (3 levels) and a domain `region`
#                     (2 levels), no missing values
#   expected.csv      svyciprop's estimate and interval for each level of cat, overall and in
#                     each region (subset(design, region == level)), with the interval's df
#
# Designs:
#   linearization  svydesign(ids = ~psu, strata = ~stratum, weights = ~w) on zero_weights.csv:
#                  Korn-Graubard's t ratio takes nrow(design) - 1, zero-weight rows counted
#   jk1, jk1_mse, bootstrap
#                  svrepdesign(weights = ~w, repweights = "repw[0-9]+", combined.weights = TRUE)
#                  on Fixtures/replicate/rep_jk1.csv and rep_boot.csv (replicate_fixtures.R), R's
#                  default scale; jk1_mse with mse = TRUE. The logit interval is the replicate
#                  variance of the intercept-only quasibinomial svyglm (each replicate refitted),
#                  the beta interval the replicate variance of the share.
#
# Columns of expected.csv: case, design, data, method (logit, korn-graubard), by (empty or
# region), group, category, estimate, conf_low, conf_high, df_value.
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/proportion_intervals.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261201)

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/proportion_intervals.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "intervals")
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
num17 <- function(x) sprintf("%.17g", as.numeric(x))

# The zero-weight sample, written and read back (the engine parses exactly these values).
n <- 60
zw <- data.frame(stratum = rep(1:4, each = 15), psu = rep(1:12, each = 5), w = round(runif(n, 1, 5), 2),
                 cat = sample(c("a", "b", "c"), n, replace = TRUE, prob = c(0.5, 0.3, 0.2)),
                 region = rep(c("Nord", "Syd"), 30), stringsAsFactors = FALSE)
zw$w[c(3, 11, 24, 38, 47, 52)] <- 0
write.csv(zw, file.path(outdir, "zero_weights.csv"), row.names = FALSE, quote = c(4, 5))
zw <- read.csv(file.path(outdir, "zero_weights.csv"), stringsAsFactors = FALSE)

designs <- list(
  linearization = list(data = "zero_weights", des = svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = zw)))
replicate <- function(name, type, mse) {
  d <- read.csv(file.path("Tests", "StatsEngineTests", "Fixtures", "replicate", paste0(name, ".csv")),
                encoding = "UTF-8", stringsAsFactors = FALSE)
  list(data = name, des = svrepdesign(data = d, weights = ~w, repweights = "repw[0-9]+", type = type,
                                      combined.weights = TRUE, mse = mse))
}
designs$jk1 <- replicate("rep_jk1", "JK1", FALSE)
designs$jk1_mse <- replicate("rep_jk1", "JK1", TRUE)
designs$bootstrap <- replicate("rep_boot", "bootstrap", FALSE)

rows <- list()
for (name in names(designs)) {
  des <- designs[[name]]$des
  for (method in c("logit", "korn-graubard")) {
    for (by in c("", "region")) {
      groups <- if (by == "") list(list(group = "", des = des))
                else lapply(sort(unique(des$variables$region)), function(l) list(group = l, des = des[des$variables$region == l, ]))
      for (g in groups) {
        for (lev in sort(unique(des$variables$cat))) {
          indicator <- eval(bquote(~I(cat == .(lev))))
          cp <- svyciprop(indicator, g$des, method = if (method == "logit") "logit" else "beta")
          ci <- attr(cp, "ci")
          rows[[length(rows) + 1]] <- data.frame(
            case = paste(name, method, if (by == "") "all" else by, sep = "/"), design = name, data = designs[[name]]$data,
            method = method, by = by, group = g$group, category = lev, estimate = num17(cp[[1]]),
            conf_low = num17(ci[[1]]), conf_high = num17(ci[[2]]), df_value = degf(g$des), stringsAsFactors = FALSE)
        }
      }
    }
  }
}
expected <- do.call(rbind, rows)
write.csv(expected, file.path(outdir, "expected.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat("wrote", nrow(expected), "rows to", file.path(outdir, "expected.csv"), "\n")
