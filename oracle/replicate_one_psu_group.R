# replicate_one_psu_group.R -- the oracle for figures on replicate weights that rest on a group (or
# wave) whose rows lie in one PSU: its quantile, lower mean and their contrasts with another group.
#
# Such a group has 0 design degrees of freedom (R's degf on a replicate design: the rank of its
# rows' replicate weights less 1): every replicate scales its rows alike or leaves them out, so its
# own replicate spread is 0 and a contrast with it carries the other group's spread alone. R gives
# those numbers; disparity keeps them, notes that they measure nothing and gives no verdict. A
# replicate that leaves the one-PSU group without rows is left out of the variances of the figures
# resting on it, and of no other: the other group's own lower mean and quantile keep every
# replicate (svyby estimates each group on its own; svrVar leaves out NA replicates).
#
# What it makes (under Tests/StatsEngineTests/Fixtures/replicate/):
#   one_psu_group.csv           255 rows: period 2010 and 2011 in 10 PSUs of 12 rows each, 2012 in
#                               one PSU of 15 rows (psu 21); y (rounded: ties), weight w; JK1
#                               replicate weights jkw1..jkw21 and bootstrap ones bsw1..bsw40 (R's
#                               as.svrepdesign of svydesign(ids = ~psu, weights = ~w), "JK1" and
#                               "bootstrap", replicates = 40), full weights
#   one_psu_group_expected.csv  one row per figure, on svrepdesign(repweights = "jkw[0-9]+" or
#                               "bsw[0-9]+", weights = ~w, type = "JK1" or "bootstrap",
#                               combined.weights = TRUE):
#     type, figure, estimate, std_error, conf_low, conf_high, df
#     quantile 2010 / 2012      svyquantile(~y, subset(rdes, period == P), 0.25, ci = TRUE):
#                               Woodruff's interval, its SE, degf(subset) (2012: SE NaN, df 0)
#     quantile 2012-2010        the 0.25-quantile of 2012 less 2010 (qrule "math"), its variance
#                               svrVar of the replicates' differences (each replicate's quantiles
#                               of the two periods' rows; NA where 2012 has no weight, left out),
#                               df degf(subset(rdes, period %in% c(2012, 2010)))
#     lowermean 2010 / 2011     the mean of the values at or below the 0.25-quantile, re-estimated
#                               on each replicate's weights of the period's rows, svrVar (every
#                               replicate: these periods lie in ten PSUs)
#     lowermean 2012-2010       the same for the difference (svrVar over the replicates that give
#                               2012)
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/replicate_one_psu_group.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/replicate_one_psu_group.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "replicate")
num17 <- function(x) { x <- as.numeric(x); ifelse(is.na(x), "", sprintf("%.17g", x)) }
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

set.seed(42)
mk <- function(period, npsu, per, psu0, shift) {
  psu <- rep(psu0 + seq_len(npsu), each = per)
  u <- rnorm(npsu)[psu - psu0]
  y <- round(50 + shift + 5 * u + rnorm(length(psu), 0, 10), 1)
  data.frame(period = period, psu = psu, y = y, sex = sample(1:2, length(psu), TRUE),
             w = round(runif(length(psu), 1, 4), 2))
}
d <- rbind(mk("2010", 10, 12, 0, 0), mk("2011", 10, 12, 10, 2), mk("2012", 1, 15, 20, 3))
des <- svydesign(ids = ~psu, weights = ~w, data = d)
set.seed(7)
jk <- weights(as.svrepdesign(des, type = "JK1"), "analysis")
colnames(jk) <- paste0("jkw", seq_len(ncol(jk)))
bs <- weights(as.svrepdesign(des, type = "bootstrap", replicates = 40), "analysis")
colnames(bs) <- paste0("bsw", seq_len(ncol(bs)))
write.csv(cbind(d, jk, bs), file.path(outdir, "one_psu_group.csv"), row.names = FALSE, quote = FALSE)

d <- read.csv(file.path(outdir, "one_psu_group.csv"), colClasses = c(period = "character"))
qmath <- function(y, w, p) { o <- order(y); y <- y[o]; w <- w[o]; cw <- cumsum(w) / sum(w); y[min(which(cw >= p))] }
lmean <- function(y, w, p) { q <- qmath(y, w, p); s <- y <= q; sum(w[s] * y[s]) / sum(w[s]) }
rows <- list()
add <- function(type, figure, estimate, se, low = NA, high = NA, df = NA)
  rows[[length(rows) + 1]] <<- data.frame(type = type, figure = figure, estimate = num17(estimate), std_error = num17(se),
                                          conf_low = num17(low), conf_high = num17(high), df = num17(df))
for (type in c("jk1", "bootstrap")) {
  rdes <- svrepdesign(data = d, repweights = if (type == "jk1") "jkw[0-9]+" else "bsw[0-9]+", weights = ~w,
                      type = if (type == "jk1") "JK1" else "bootstrap", combined.weights = TRUE)
  rw <- weights(rdes, "analysis"); w0 <- weights(rdes, "sampling")
  one <- function(fun, sub) {
    list(est = fun(d$y[sub], w0[sub], 0.25),
         reps = apply(rw[sub, , drop = FALSE], 2, function(r) if (sum(r) == 0) NA else fun(d$y[sub], r, 0.25)))
  }
  for (p in c("2010", "2012")) {
    sq <- svyquantile(~y, subset(rdes, period == p), 0.25, ci = TRUE)
    add(type, paste("quantile", p), sq$y[1, 1], sq$y[1, 4], sq$y[1, 2], sq$y[1, 3], degf(subset(rdes, period == p)))
  }
  df2 <- degf(subset(rdes, period %in% c("2012", "2010")))
  for (stat in c("quantile", "lowermean")) {
    fun <- if (stat == "quantile") qmath else lmean
    a <- one(fun, d$period == "2012"); b <- one(fun, d$period == "2010")
    v <- svrVar(a$reps - b$reps, rdes$scale, rdes$rscales, mse = rdes$mse, coef = a$est - b$est)
    h <- qt(0.975, df2) * sqrt(v)
    add(type, paste(stat, "2012-2010"), a$est - b$est, sqrt(v), a$est - b$est - h, a$est - b$est + h, df2)
  }
  for (p in c("2010", "2011")) {
    a <- one(lmean, d$period == p)
    stopifnot(!anyNA(a$reps))
    add(type, paste("lowermean", p), a$est, sqrt(svrVar(a$reps, rdes$scale, rdes$rscales, mse = rdes$mse, coef = a$est)))
  }
}
write.csv(do.call(rbind, rows), file.path(outdir, "one_psu_group_expected.csv"), row.names = FALSE, quote = FALSE)
