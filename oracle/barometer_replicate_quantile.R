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
# 2 qt(0.975, df), as R reports it. A change (q_now - q_then) is linearized as the barometer does
# under linearization: each wave's quantile through its Woodruff interval, its influence the
# share's times -slope with slope = SE(quantile) / SE(share), so that
#   Var(change) = s_now^2 V_now,now + s_then^2 V_then,then - 2 s_now s_then V_now,then
# with V the replicates' covariance (survey's svrVar on the design's scale, rscales and mse) of
# the two shares, each at or below its own wave's estimate held fixed; the interval is Wald, t on
# degf(subset(rdes, region %in% c(now, then))).
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
    # Each wave: its quantile with Woodruff's interval, and its share at or below the estimate.
    at <- lapply(waves, function(wave) {
      sub <- subset(rdes, region == wave)
      sq <- svyquantile(~y, sub, q, ci = TRUE)
      estimate <- sq$y[1, "quantile"]
      share <- svymean(~I(y <= estimate), sub)
      list(estimate = estimate, low = sq$y[1, 2], high = sq$y[1, 3], se = sq$y[1, 4], df = degf(sub),
           slope = sq$y[1, 4] / SE(share)[[1]], indicator = as.numeric(data$y <= estimate), wave = wave)
    })
    for (figure in names(waves)) {
      a <- at[[figure]]
      add(figure, a$estimate, a$se, a$low, a$high, a$df)
    }
    for (then in c("baseline", "previous")) {
      a <- at[["current"]]; b <- at[[then]]
      # The two shares on each replicate (each wave's rows, its own indicator), their svrVar.
      shares <- function(w) {
        inA <- data$region == a$wave; inB <- data$region == b$wave
        c(sum(w[inA] * a$indicator[inA]) / sum(w[inA]), sum(w[inB] * b$indicator[inB]) / sum(w[inB]))
      }
      full <- shares(weights(rdes, "sampling"))
      reps <- t(apply(weights(rdes, "analysis"), 2, shares))
      v <- svrVar(reps, rdes$scale, rdes$rscales, mse = rdes$mse, coef = full)
      variance <- a$slope^2 * v[1, 1] + b$slope^2 * v[2, 2] - 2 * a$slope * b$slope * v[1, 2]
      df <- degf(subset(rdes, region %in% c(a$wave, b$wave)))
      estimate <- a$estimate - b$estimate
      half <- qt(0.975, df) * sqrt(variance)
      add(paste("change since", then), estimate, sqrt(variance), estimate - half, estimate + half, df)
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(dir, "barometer_replicate_quantile_expected.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat("wrote", nrow(out), "rows\n")
