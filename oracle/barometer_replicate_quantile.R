# barometer_replicate_quantile.R -- the oracle for a barometer quantile measure on a replicate-weight
# design: its figures at the current, baseline and previous waves, and the changes since both.
#
# The data are the replicate fixtures' rep_jk1.csv (JK1, 15 replicates) and rep_boot.csv
# (bootstrap, 50), made by oracle/replicate_fixtures.R; the barometer test reads their `region`
# as its waves (periods Nord, Syd, Øst: at Øst the baseline is Nord, the previous wave Syd).
#
# Each wave's figure is R's svyquantile(~y, subset(rdes, region == wave), q) with R's default for
# replicate designs (interval.type = "mean": Woodruff's interval from the replicate variance of
# the share at or below the estimate, t on degf(subset)); its SE is the interval's width over
# 2 qt(0.975, df), as R reports it. A change (q_now - q_then) takes the replicates' spread of the
# difference of the two waves' quantiles, as `gap` takes its contrasts of quantiles on replicate
# weights: R's svycontrast(svyby(~y, ~region, rdes, svyquantile, covmat = TRUE), c(1, -1)). In
# survey 4.1.1 that svyby call fails (covmat needs return.replicates, which svyquantile
# implements only for interval.type = "quantile", and there its estimates come back NULL:
# `qi$qhat` for `qi$quantile`), so the script does what svyby would: each wave's replicate
# quantiles from svyquantile(..., interval.type = "quantile", return.replicates = TRUE)
# (qrule "math" on each replicate's weights of the wave's rows), their joint svrVar (the design's
# scale, rscales and mse, centred on the full-sample quantiles) as an svrepstat's variance, and
# svycontrast on it; checked equal to svrVar of the replicates' differences, and each wave's
# variance to svyquantile(..., interval.type = "quantile")'s SE^2. The interval is Wald, t on
# degf(subset(rdes, region %in% c(now, then))), as the barometer's changes of a quantile (`gap
# --df design` gives the same).
#
# Columns of barometer_replicate_quantile_expected.csv:
#   data, type, q            the design (rep_jk1 jk1, rep_boot bootstrap) and the quantile
#   figure                   current, baseline, previous, change since baseline, change since previous
#   estimate, std_error, conf_low, conf_high, df_value
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/barometer_replicate_quantile.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/barometer_replicate_quantile.R")

num17 <- function(x) { x <- as.numeric(x); ifelse(is.na(x), "", sprintf("%.17g", x)) }
dir <- file.path("Tests", "StatsEngineTests", "Fixtures", "replicate")
waves <- c(current = "Øst", baseline = "Nord", previous = "Syd")

rows <- list()
for (d in list(list(data = "rep_jk1", type = "JK1", our = "jk1"), list(data = "rep_boot", type = "bootstrap", our = "bootstrap"))) {
  data <- read.csv(file.path(dir, paste0(d$data, ".csv")), encoding = "UTF-8", stringsAsFactors = FALSE, na.strings = c("", "NA"))
  rdes <- svrepdesign(data = data, repweights = "repw[0-9]+", weights = ~w, type = d$type, combined.weights = TRUE)
  for (q in c(0.5, 0.25)) {
    add <- function(figure, estimate, se, low, high, df) {
      rows[[length(rows) + 1]] <<- data.frame(data = d$data, type = d$our, q = q, figure = figure, estimate = num17(estimate),
                                              std_error = num17(se), conf_low = num17(low), conf_high = num17(high),
                                              df_value = as.character(df), stringsAsFactors = FALSE)
    }
    # Each wave: its quantile with Woodruff's interval, and its replicates' quantiles.
    at <- lapply(waves, function(wave) {
      sub <- subset(rdes, region == wave)
      sq <- svyquantile(~y, sub, q, ci = TRUE)
      estimate <- sq$y[1, "quantile"]
      reps <- suppressWarnings(svyquantile(~y, sub, q, interval.type = "quantile", return.replicates = TRUE))$replicates[, 1]
      spread <- suppressWarnings(svyquantile(~y, sub, q, interval.type = "quantile", ci = TRUE))
      stopifnot(spread$y[1, "quantile"] == estimate,
                abs(spread$y[1, 4]^2 - svrVar(reps, rdes$scale, rdes$rscales, mse = rdes$mse, coef = estimate)) <= 1e-12 * spread$y[1, 4]^2)
      list(estimate = estimate, low = sq$y[1, 2], high = sq$y[1, 3], se = sq$y[1, 4], df = degf(sub), replicates = reps, wave = wave)
    })
    for (figure in names(waves)) {
      a <- at[[figure]]
      add(figure, a$estimate, a$se, a$low, a$high, a$df)
    }
    for (then in c("baseline", "previous")) {
      a <- at[["current"]]; b <- at[[then]]
      # What svyby(..., svyquantile, covmat = TRUE) would return, and svycontrast on it.
      estimates <- c(now = a$estimate, then = b$estimate)
      reps <- cbind(now = a$replicates, then = b$replicates)
      both <- estimates
      attr(both, "var") <- svrVar(reps, rdes$scale, rdes$rscales, mse = rdes$mse, coef = estimates)
      attr(both, "statistic") <- "quantile"
      class(both) <- "svrepstat"
      change <- svycontrast(both, c(now = 1, then = -1))
      estimate <- coef(change)[[1]]
      se <- SE(change)[[1]]
      direct <- svrVar(reps[, 1] - reps[, 2], rdes$scale, rdes$rscales, mse = rdes$mse, coef = estimate)
      stopifnot(estimate == a$estimate - b$estimate, abs(se^2 - direct) <= 1e-12 * direct)
      df <- degf(subset(rdes, region %in% c(a$wave, b$wave)))
      half <- qt(0.975, df) * se
      add(paste("change since", then), estimate, se, estimate - half, estimate + half, df)
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(dir, "barometer_replicate_quantile_expected.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat("wrote", nrow(out), "rows\n")
