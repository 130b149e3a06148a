# svyglm_default_fixtures.R -- R's svyglm at glm.control()'s defaults (epsilon 1e-8, maxit 25),
# where the fit stops short of the maximum: the estimate depends on where IRLS starts and how
# its deviance test stops, so matching it checks that disparity starts where R starts (the
# binomial mustart (w*y + 0.5)/(w + 1) on the weights svyglm divides by their mean, that mean
# taken over the rows of the subset, rows with missing values included) and stops where R stops.
#
# What it makes (under Tests/StatsEngineTests/Fixtures/svyglm/):
#   rare.csv              3,000 rows: a 0/1 outcome of about 4 % (y), its share form (share),
#                         a count (count), covariates x1 (7 % missing), x2 and g (text), strata
#                         (stratum), PSUs (psu), weights varying tenfold (w) and a domain (dom)
#   expected_default.csv  one row per coefficient of each fit: case, data, weights, strata,
#                         cluster, fpc, nest, family, formula, subset (disparity's --subset, empty
#                         for none), tolerance (glm.control's epsilon, disparity's --tolerance),
#                         term (the engine's name), estimate, iterations (m$iter)
#
# The other data sets are oracle/svyglm_fixtures.R's (strat_fpc, cluster1, nested), read as the
# engine reads them. Standard errors are not compared here: at the default epsilon R takes them
# at the working weights of the step before its last (svyglm_fixtures.R compares them converged).
# How to rerun (from the package root; needs R with survey 4.1.1 and the svyglm fixtures):
#   Rscript oracle/svyglm_default_fixtures.R
# Tests/StatsEngineTests/Regression/SvyglmDefaultOracleTests.swift checks the engine against it (a
# gaussian fit too: glm.fit counts two iterations, the second finding the deviance unchanged; and
# two fits at a smaller epsilon, passed to disparity as --tolerance).

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
invisible(Sys.setlocale("LC_COLLATE", "C"))
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261130)

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/svyglm_default_fixtures.R")
dir <- file.path("Tests", "StatsEngineTests", "Fixtures", "svyglm")
read_set <- function(path) read.csv(path, na.strings = "", stringsAsFactors = FALSE, fileEncoding = "UTF-8", encoding = "UTF-8")

# A rare outcome with weights varying tenfold: the starting values matter most there.
n <- 3000
stratum <- rep(1:15, each = n / 15)
psu <- stratum * 100 + rep(1:10, length.out = n)
x1 <- round(rnorm(n), 4)
x2 <- round(runif(n, -1, 1), 4)
g <- sample(c("a", "b", "c"), n, replace = TRUE)
w <- round(exp(runif(n, 0, log(10))) * 20, 4)
eta <- -3.6 + 0.8 * x1 + 0.5 * x2 + ifelse(g == "b", 0.4, ifelse(g == "c", -0.3, 0))
y <- as.integer(runif(n) < plogis(eta))
share <- round(plogis(eta + rnorm(n, 0, 0.5)), 4)
count <- rpois(n, exp(0.2 + 0.3 * x1))
x1[runif(n) < 0.07] <- NA
dom <- ifelse(runif(n) < 0.6, "yes", "no")
write.csv(data.frame(y, share, count, x1, x2, g, stratum, psu, w, dom), file.path(dir, "rare.csv"), row.names = FALSE, na = "")

data <- list()
for (name in c("rare", "strat_fpc", "cluster1", "nested")) data[[name]] <- read_set(file.path(dir, paste0(name, ".csv")))
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "common.R"))

designs <- list(
  rare = list(data = "rare", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = FALSE),
  strat_fpc = list(data = "strat_fpc", weights = "w", strata = "stratum", cluster = "", fpc = "fpc", nest = FALSE),
  cluster1_w = list(data = "cluster1", weights = "w", strata = "", cluster = "psu", fpc = "", nest = FALSE),
  nested = list(data = "nested", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE)
)

# design, family, formula, disparity's --subset and R's subset expression ("" for none)
cases <- list(
  list("rare", "binomial", "y ~ x1 + x2 + g", "", ""),
  list("rare", "binomial", "y ~ x1 + x2 + g", "dom == yes", 'dom == "yes"'),
  list("rare", "binomial", "share ~ x1 + g", "", ""),
  list("rare", "poisson", "count ~ x1 + x2", "dom == no", 'dom == "no"'),
  list("strat_fpc", "binomial", "bin ~ x + num + z", "", ""),
  list("cluster1_w", "binomial", "bin ~ x + num", "", ""),
  list("nested", "binomial", "bin ~ x + factor(cat)", "", ""),
  list("nested", "binomial", "bin ~ x + num", "region == Syd", 'region == "Syd"'),
  list("strat_fpc", "gaussian", "y ~ x + num", "", ""),
  # --tolerance: R's epsilon, fitted closer to the maximum
  list("rare", "binomial", "y ~ x1 + x2 + g", "dom == yes", 'dom == "yes"', 1e-12),
  list("rare", "poisson", "count ~ x1 + x2", "", "", 1e-13)
)

rows <- list()
for (k in seq_along(cases)) {
  case <- cases[[k]]
  spec <- designs[[case[[1]]]]
  des <- build_design(spec)
  family <- switch(case[[2]], binomial = quasibinomial(), poisson = quasipoisson(), gaussian = gaussian())
  f <- as.formula(case[[3]])
  epsilon <- if (length(case) >= 6) case[[6]] else 1e-8
  control <- glm.control(epsilon = epsilon)
  m <- if (case[[5]] == "") svyglm(f, design = des, family = family, control = control)
       else svyglm(f, design = eval(bquote(subset(des, .(str2lang(case[[5]]))))), family = family, control = control)
  stopifnot(m$converged)
  est <- coef(m)
  # The engine's names: factor(cat)L and gL are cat[L] and g[L].
  term <- sub("^factor\\((.*)\\)(.+)$", "\\1[\\2]", names(est))
  term <- sub("^g([abc])$", "g[\\1]", term)
  rows[[k]] <- data.frame(case = sprintf("d%02d", k), data = spec$data, weights = spec$weights, strata = spec$strata,
                          cluster = spec$cluster, fpc = spec$fpc, nest = spec$nest, family = case[[2]], formula = case[[3]],
                          subset = case[[4]], tolerance = sprintf("%.17g", epsilon), term = term, estimate = sprintf("%.17g", est), iterations = m$iter)
}
write.csv(do.call(rbind, rows), file.path(dir, "expected_default.csv"), row.names = FALSE)
