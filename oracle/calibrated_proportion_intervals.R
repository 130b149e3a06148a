# calibrated_proportion_intervals.R -- the oracle for Korn-Graubard (and logit) intervals of a
# proportion in a domain of a calibrated design (`--ci-method korn-graubard` with `--by` beside
# `--poststratify` or `--calibrate`), R's svyciprop(method = "beta") / "logit" through svyby.
#
# R keeps every row of a calibrated design in its subsets and domains (`[.survey.design2` on a
# calibrated design sets the other rows' weights to 0 instead of dropping them), so
# svyciprop's Korn-Graubard t ratio qt(., nrow(design) - 1) / qt(., degf(design)) counts the
# whole sample's rows, not the domain's; degf counts the domain's PSUs (rows of weight 0 left
# out). The logit interval takes only degf and is here as a control.
#
# What it makes (under Tests/StatsEngineTests/Fixtures/intervals/):
#   calibrated.csv           a stratified two-stage sample (3 strata of 4-6 PSUs, 2-4 SSUs each,
#                            fpcs of both stages, 187 rows): st, psu, ssu, N1, N2, a (3 levels),
#                            sex (F, M), agegrp (old, young), x, z (0/1), w
#   calibrated_totals_ps.csv  population counts of a (--poststratify a)
#   calibrated_totals_cal.csv (Intercept), sex, agegrp and x (--calibrate "~sex+agegrp+x", bounds 0.5,2)
#   calibrated_expected.csv  per case (calibration, method) the share of z == 1 and its interval
#                            overall and in each sex, with the interval's df
#
# Design: svydesign(ids = ~psu + ssu, strata = ~st, fpc = ~N1 + N2, weights = ~w, nest = TRUE).
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/calibrated_proportion_intervals.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
out <- "Tests/StatsEngineTests/Fixtures/intervals"

set.seed(42)
rows <- list()
for (h in 1:3) {
  for (p in 1:c(4, 5, 6)[h]) {
    nssu <- sample(2:4, 1)
    for (s in 1:nssu) {
      m <- sample(3:6, 1)
      rows[[length(rows) + 1]] <- data.frame(st = paste0("S", h), psu = paste0("P", h, "_", p),
        ssu = paste0("Q", h, "_", p, "_", s), N1 = c(20, 30, 40)[h], N2 = nssu * 3, m = m, idx = 1:m)
    }
  }
}
d <- do.call(rbind, rows)
n <- nrow(d)
d$a <- sample(c("lo", "mid", "hi"), n, TRUE, prob = c(.3, .4, .3))
b <- runif(n)  # drawn to keep the stream of the reproducer's data
d$sex <- sample(c("F", "M"), n, TRUE)
d$agegrp <- sample(c("young", "old"), n, TRUE)
y <- rnorm(n)
d$x <- round(runif(n, 1, 5), 3)
d$z <- as.integer(runif(n) < 0.1)
d$w <- round(runif(n, 5, 30), 2)
d$m <- NULL; d$idx <- NULL
write.csv(d, file.path(out, "calibrated.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(variable = "a", level = c("hi", "lo", "mid"), total = c(1000, 1200, 1500)),
          file.path(out, "calibrated_totals_ps.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(variable = c("(Intercept)", "sex", "sex", "agegrp", "agegrp", "x"),
                     level = c("", "F", "M", "old", "young", ""), total = c(3700, 1800, 1900, 1600, 2100, 11000)),
          file.path(out, "calibrated_totals_cal.csv"), row.names = FALSE, quote = FALSE, na = "")

des <- svydesign(ids = ~psu + ssu, strata = ~st, fpc = ~N1 + N2, weights = ~w, nest = TRUE, data = d)
designs <- list(
  poststratify = postStratify(des, ~a, data.frame(a = c("hi", "lo", "mid"), Freq = c(1000, 1200, 1500))),
  calibrate = calibrate(des, ~sex + agegrp + x, c(3700, 1900, 2100, 11000), bounds = c(0.5, 2), epsilon = 1e-13))
result <- NULL
for (cal in names(designs)) {
  D <- designs[[cal]]
  for (method in c("korn-graubard", "logit")) {
    m <- if (method == "logit") "logit" else "beta"
    add <- function(group, dd) {
      p <- svyciprop(~I(z == 1), dd, method = m)
      ci <- confint(p)
      result <<- rbind(result, data.frame(case = paste(cal, method, sep = "/"), calibration = cal, method = method,
        group = group, estimate = sprintf("%.17g", coef(p)), conf_low = sprintf("%.17g", ci[1]),
        conf_high = sprintf("%.17g", ci[2]), df_value = degf(dd), rows = nrow(dd)))
    }
    add("", D)
    for (s in c("F", "M")) add(s, subset(D, sex == s))
  }
}
write.csv(result, file.path(out, "calibrated_expected.csv"), row.names = FALSE)
