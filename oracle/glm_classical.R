# glm_classical.R -- the oracle of `--vcov classical` for logistic and Poisson fits
# (ClassicalCovarianceTests): R's glm on the sampling weights normalised to mean 1 over the
# model's rows, glm(formula, weights = w / mean(w), family), with the family's fixed
# dispersion 1. Its standard errors do not depend on the weights' scale (glm(weights = w)
# takes them as frequency weights: weights × 100 would shrink them tenfold).
#
# What it makes: Tests/StatsEngineTests/Fixtures/svyglm/expected_classical.csv, one row per
# coefficient (case, family, formula, term, estimate, std_error, df_residual), on
# Fixtures/svyglm/cluster1.csv (made by oracle/svyglm_fixtures.R) with its weights `w`; the
# model's rows are those with every variable (glm's na.omit), all of positive weight.
#
# How to rerun (from the package root; R with survey's fixtures in place):
#   Rscript oracle/glm_classical.R
options(digits = 17)
folder <- "Tests/StatsEngineTests/Fixtures/svyglm"
d <- read.csv(file.path(folder, "cluster1.csv"), stringsAsFactors = FALSE)
cases <- list(
  list(case = "logit", family = "binomial", formula = "bin ~ x + num"),
  list(case = "logit_z", family = "binomial", formula = "bin ~ x + z"),
  list(case = "poisson", family = "poisson", formula = "count ~ x + z"),
  list(case = "poisson_num", family = "poisson", formula = "count ~ x + num")
)
rows <- list()
for (cs in cases) {
  f <- as.formula(cs$formula)
  m <- na.omit(d[, c(all.vars(f), "w")])
  stopifnot(all(m$w > 0))
  m$wn <- m$w / mean(m$w)
  fam <- get(cs$family)()
  # Non-integer weights: glm warns ("non-integer #successes", "non-integer x"); the fit is the
  # quasi family's with its dispersion fixed at 1.
  fit <- suppressWarnings(glm(f, data = m, weights = wn, family = fam,
                              control = glm.control(epsilon = 1e-14, maxit = 100)))
  stopifnot(fit$converged)
  s <- summary(fit)$coefficients
  # The same standard errors with the weights × 100 and × 0.001 (scale-invariant).
  for (k in c(100, 0.001)) {
    g <- suppressWarnings(glm(f, data = transform(m, wk = w * k / mean(w * k)), weights = wk, family = fam,
                              control = glm.control(epsilon = 1e-14, maxit = 100)))
    stopifnot(max(abs(summary(g)$coefficients[, 2] / s[, 2] - 1)) < 1e-10)
  }
  rows[[length(rows) + 1]] <- data.frame(case = cs$case, family = cs$family, formula = cs$formula,
                                         term = rownames(s), estimate = sprintf("%.17g", s[, 1]),
                                         std_error = sprintf("%.17g", s[, 2]),
                                         df_residual = fit$df.residual)
}
out <- do.call(rbind, rows)
write.csv(out, file.path(folder, "expected_classical.csv"), row.names = FALSE)
cat(sprintf("%d rows -> %s/expected_classical.csv\n", nrow(out), folder))
