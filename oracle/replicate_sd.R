# replicate_sd.R -- the oracle for the sd's n/(n - 1) with rows of weight 0 and missing values.
# R's svyvar takes n as the count of rows of non-zero weight on a design without replicates
# (svyvar.survey.design: n <- sum(weights(design, "sampling") != 0), missing values included,
# a domain's other rows at weight 0), and as the count of rows with a value on a replicate design
# (svyvar.svyrep.design: n <- NROW(x) after na.rm, weight 0 included; svyby and subset drop the
# rows outside a domain), in the estimate and in every replicate's variance.
#
# What it makes (under Tests/StatsEngineTests/Fixtures/replicate/):
#   sd_counts.csv           60 rows in 12 PSUs (psu) with weight w (8 rows of weight 0), y (7
#                           missing, empty; a row of each domain both), a domain d (a, b, c)
#                           holding different counts of each, a subset flag k (0, 1), and
#                           JK1 replicate weights repw1..repw12 written from
#                           weights(as.svrepdesign(svydesign(ids = ~psu, weights = ~w), "JK1"),
#                           "analysis"), and bootstrap ones bootw1..bootw20 (as.svrepdesign
#                           type "bootstrap", 20 replicates)
#   sd_counts_expected.csv  one row per case and domain: case, group (the level of d, or empty),
#                           n (R's n), estimate (sqrt(coef(svyvar))), std_error
#                           (SE(svyvar) / (2 sd)), each number to 17 digits. Cases, on
#                           svrepdesign(repweights, weights = ~w, combined.weights = TRUE) with
#                           R's default scale (jk1 with its (R - 1)/R given, jk1_mse: mse = TRUE,
#                           boot: type "bootstrap"),
#                           on as.svrepdesign(design, "JK1") (made_jk1), and on the design
#                           itself (linearization), each for svyvar(~y, ., na.rm = TRUE) (whole),
#                           svyby(~y, ~d, ., svyvar, na.rm = TRUE) (by_d) and
#                           svyvar(~y, subset(., k == 0), na.rm = TRUE) (subset_k0).
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/replicate_sd.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/replicate_sd.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "replicate")
num17 <- function(x) sprintf("%.17g", as.numeric(x))
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261201)

n <- 60
psu <- rep(1:12, each = 5)
w <- round(runif(n, 1, 5), 2)
y <- round(20 + psu / 2 + rnorm(n, sd = 4), 3)
d <- sample(c("a", "b", "c"), n, replace = TRUE)
k <- rbinom(n, 1, 0.6)
# Per domain a different count of missing values (1, 2, 4) than of weights 0 (3, 4, 1), one row
# both, so that the two n differ in every case (k == 0 too, as it happens; not k == 1).
for (level in c("a", "b", "c")) {
  rows <- sample(which(d == level))
  missing <- c(a = 1, b = 2, c = 4)[[level]]
  zero <- c(a = 3, b = 4, c = 1)[[level]]
  y[rows[seq_len(missing)]] <- NA
  w[rows[missing - 1 + seq_len(zero)]] <- 0
}
src <- data.frame(psu, w, y, d, k)
design <- svydesign(ids = ~psu, weights = ~w, data = src)
jk1 <- weights(as.svrepdesign(design, type = "JK1"), "analysis")
colnames(jk1) <- paste0("repw", seq_len(ncol(jk1)))
boot <- weights(as.svrepdesign(design, type = "bootstrap", replicates = 20), "analysis")
colnames(boot) <- paste0("bootw", seq_len(ncol(boot)))
out <- cbind(src, apply(jk1, 2, num17), apply(boot, 2, num17))
write.csv(out, file.path(outdir, "sd_counts.csv"), row.names = FALSE, quote = FALSE, na = "")

data <- read.csv(file.path(outdir, "sd_counts.csv"), stringsAsFactors = FALSE, na.strings = "")
designs <- list(
  jk1 = svrepdesign(data = data, repweights = "repw[0-9]+", weights = ~w, type = "JK1", scale = 11 / 12, combined.weights = TRUE),
  jk1_mse = svrepdesign(data = data, repweights = "repw[0-9]+", weights = ~w, type = "JK1", scale = 11 / 12, combined.weights = TRUE,
                        mse = TRUE),
  boot = svrepdesign(data = data, repweights = "bootw[0-9]+", weights = ~w, type = "bootstrap", combined.weights = TRUE),
  made_jk1 = as.svrepdesign(svydesign(ids = ~psu, weights = ~w, data = data), type = "JK1"),
  linearization = svydesign(ids = ~psu, weights = ~w, data = data))

rows <- list()
add <- function(case, group, n, v) {
  sd <- sqrt(coef(v)[[1]])
  rows[[length(rows) + 1]] <<- data.frame(case = case, group = group, n = n, estimate = num17(sd),
                                          std_error = num17(SE(v)[[1]] / (2 * sd)))
}
# R's n: rows with a value (replicates), rows of non-zero weight (linearization), of `rows`.
n_of <- function(name, rows) if (name == "linearization") sum(data$w[rows] != 0) else sum(!is.na(data$y[rows]))
for (name in names(designs)) {
  r <- designs[[name]]
  # (svrVar's "Recycling array of length 1" deprecation warning, survey 4.1.1 on R 4.x: not ours.)
  svyvar <- function(...) suppressWarnings(survey::svyvar(...))
  add(paste0(name, "/whole"), "", n_of(name, TRUE), svyvar(~y, r, na.rm = TRUE))
  for (level in sort(unique(data$d))) {
    add(paste0(name, "/by_d"), level, n_of(name, data$d == level), svyvar(~y, subset(r, d == level), na.rm = TRUE))
  }
  add(paste0(name, "/subset_k0"), "", n_of(name, data$k == 0), svyvar(~y, subset(r, k == 0), na.rm = TRUE))
  # svyby gives each domain what svyvar on its subset gives.
  by <- suppressWarnings(svyby(~y, ~d, r, survey::svyvar, na.rm = TRUE))
  mine <- do.call(rbind, rows)
  mine <- mine[mine$case == paste0(name, "/by_d"), ]
  stopifnot(isTRUE(all.equal(sqrt(coef(by)[mine$group]), as.numeric(mine$estimate), check.attributes = FALSE, tolerance = 1e-14)))
  stopifnot(isTRUE(all.equal(SE(by)[match(mine$group, rownames(by))] / (2 * sqrt(coef(by)[mine$group])),
                             as.numeric(mine$std_error), check.attributes = FALSE, tolerance = 1e-14)))
}
write.csv(do.call(rbind, rows), file.path(outdir, "sd_counts_expected.csv"), row.names = FALSE, quote = FALSE)
cat(length(rows), "expected rows\n")
