# svyglm_fixtures.R -- the independent oracle for disparity's survey regressions.
#
# What it makes (all under Tests/StatsEngineTests/Fixtures/svyglm/):
#   strat_fpc.csv, cluster1.csv, nested.csv, twostage.csv
#                  the data sets of Fixtures/survey/ (written by oracle/survey_fixtures.R:
#                  stratified with fpc, one-stage cluster, stratified clusters with PSU ids
#                  repeated across strata, two stages with fpcs at both) with two more columns:
#                    count  a Poisson count (for family poisson), ~4% missing
#                    z      a numeric covariate, ~6% missing
#                  Their other columns are those of the survey set, unchanged: y (numeric, ~8%
#                  missing), bin (0/1, a few missing), cat (text: "\u00e6ble", "p\u00e6re",
#                  "blomme", ~5% missing), x (positive), num (0/1), region (text: Nord, Syd,
#                  "\u00d8st"), and the design columns.
#   expected_coefficients.csv
#                  one row per coefficient of each fit of svyglm(formula, design, family)
#   expected_tests.csv
#                  one row per Wald test regTermTest(model, ~terms) of each fit: first every
#                  term with more than one coefficient (the engine tests those unasked), then
#                  the requested ones (requested = TRUE, passed to the engine as `tests`)
#
# How to rerun (from the package root; needs R with survey 4.1.1, and the survey fixtures):
#   Rscript oracle/svyglm_fixtures.R
# The output is deterministic (fixed seed and RNG kinds). The numbers are computed from the
# CSV files as read back, i.e. from exactly the values the engine parses.
# Tests/StatsEngineTests/SvyglmOracleTests.swift checks the engine against both files.
#
# Conventions, checked below where they can be:
#   * Factor levels are sorted in the C collation (by code point: "blomme" < "p\u00e6re" <
#     "\u00e6ble", Nord < Syd < "\u00d8st"), the order the engine uses, so that both take the same
#     reference level. R's default collation in other locales (even C.UTF-8 here, through ICU)
#     puts "\u00e6ble" first and "\u00d8st" between Nord and Syd, which changes the reference
#     level and so the coefficients (not the fit).
#   * glm's IRLS is run to convergence (epsilon 1e-12 instead of glm.control's 1e-8, then one
#     more fit started at the solution). glm's covariance uses the working weights of the
#     iteration *before* the last coefficient update, so at epsilon 1e-8 its design-based SEs
#     of logistic and Poisson fits carry that iteration's error (printed below as the largest
#     relative change from the default fit); the converged values are what both implementations
#     approximate.
#   * The interval is confint(m) (survey's confint.svyglm, Wald): a t interval with
#     m$df.residual = degf(design) + 1 - rank, the design df of the rows used; the t statistic
#     and p-value are summary(m)'s, on the same df. This is checked against the formulas.
#   * regTermTest's F = Wald chi-square / q on (q, m$df.residual).
#
# Columns of expected_coefficients.csv:
#   case                       id of one fit (one engine request)
#   data                       data set name (without .csv)
#   weights,strata,cluster,fpc,nest
#                              the design, as disparity's options name it
#   family                     gaussian, binomial (R: quasibinomial) or poisson (R: quasipoisson)
#   formula                    the formula as given to both
#   term                       the coefficient as the engine names it: cat[L] for level L of the
#                              factor cat (written cat or factor(cat)), a:b for interactions
#   r_term                     R's name of the coefficient
#   estimate,std_error,statistic,p_value,conf_low,conf_high
#   df_residual                m$df.residual
#   n                          the rows the fit used
# Columns of expected_tests.csv:
#   case, terms (the engine's label: the term, or the requested `+`-list), r_terms (the formula
#   given to regTermTest), requested (TRUE: passed to the engine; FALSE: tested unasked),
#   F, df_num, df_den, p

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
invisible(Sys.setlocale("LC_COLLATE", "C"))
stopifnot(identical(sort(c("\u00e6ble", "p\u00e6re", "blomme")), c("blomme", "p\u00e6re", "\u00e6ble")))

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20240717)

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/svyglm_fixtures.R")
indir <- file.path("Tests", "StatsEngineTests", "Fixtures", "survey")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "svyglm")
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

read_set <- function(path) {
  read.csv(path, na.strings = "", stringsAsFactors = FALSE, fileEncoding = "UTF-8", encoding = "UTF-8")
}

# ---------------------------------------------------------------------------------------------
# Data: the survey sets plus a count and a covariate with missing values.

CAT_EFFECT <- c("blomme" = 0, "p\u00e6re" = 0.25, "\u00e6ble" = -0.2)
add_columns <- function(d) {
  n <- nrow(d)
  cat_effect <- ifelse(is.na(d$cat), 0, CAT_EFFECT[d$cat])
  count <- rpois(n, exp(0.3 + 0.12 * d$x + 0.3 * d$num + cat_effect + rnorm(n, 0, 0.2)))
  count[runif(n) < 0.04] <- NA
  z <- round(5 + 0.3 * d$x + rnorm(n, 0, 2), 2)
  z[runif(n) < 0.06] <- NA
  d$count <- as.integer(count)
  d$z <- z
  d
}

SETS <- c("strat_fpc", "cluster1", "nested", "twostage")
data <- list()
for (name in SETS) {
  source_path <- file.path(indir, paste0(name, ".csv"))
  if (!file.exists(source_path)) stop("missing ", source_path, ": run Rscript oracle/survey_fixtures.R first")
  d <- add_columns(read_set(source_path))
  path <- file.path(outdir, paste0(name, ".csv"))
  write.csv(d, path, row.names = FALSE, na = "", fileEncoding = "UTF-8")
  data[[name]] <- read_set(path)        # R analyses exactly what the engine reads
  stopifnot(nrow(data[[name]]) == nrow(d), isTRUE(all.equal(data[[name]]$z, d$z)))
}

# ---------------------------------------------------------------------------------------------
# Designs, as disparity's options name them and as R builds them

designs <- list(
  strat_fpc = list(data = "strat_fpc", weights = "w", strata = "stratum", cluster = "",
                   fpc = "fpc", nest = FALSE),
  cluster1_w = list(data = "cluster1", weights = "w", strata = "", cluster = "psu",
                    fpc = "", nest = FALSE),
  cluster1 = list(data = "cluster1", weights = "", strata = "", cluster = "psu",
                  fpc = "", nest = FALSE),
  nested = list(data = "nested", weights = "w", strata = "stratum", cluster = "psu",
                fpc = "", nest = TRUE),
  twostage = list(data = "twostage", weights = "w", strata = "stratum", cluster = "psu,ssu",
                  fpc = "fpc1,fpc2", nest = FALSE)
)

source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "common.R"))

# ---------------------------------------------------------------------------------------------
# The fits: design, family, formula, requested joint tests ("+"-lists of term labels).

cases <- list(
  # gaussian
  list("strat_fpc", "gaussian", "y ~ x + num", c("x + num")),
  list("strat_fpc", "gaussian", "y ~ x + num + factor(cat) + region", c("x + num")),
  list("strat_fpc", "gaussian", "y ~ x * factor(cat)", character()),
  list("strat_fpc", "gaussian", "y ~ factor(cat) + x - 1", character()),
  list("strat_fpc", "gaussian", "y ~ factor(stratum) + x + z", character()),
  list("cluster1_w", "gaussian", "y ~ x + I(x^2) + log(x)", character()),
  list("cluster1_w", "gaussian", "y ~ cat * region", character()),
  list("cluster1_w", "gaussian", "y ~ num + x:num + cat", character()),
  list("cluster1", "gaussian", "y ~ x + num + cat", c("x + num")),
  list("nested", "gaussian", "y ~ x + num + factor(cat)", c("x + num")),
  list("nested", "gaussian", "y ~ log(x) + cat:num + cat", character()),
  list("twostage", "gaussian", "y ~ log(x) + cat + z", character()),
  list("twostage", "gaussian", "y ~ x + num + I(x^2)", c("x + num")),
  # binomial (R: quasibinomial)
  list("strat_fpc", "binomial", "bin ~ x + num + factor(cat)", c("x + num")),
  list("strat_fpc", "binomial", "bin ~ x * num + region", character()),
  list("strat_fpc", "binomial", "bin ~ cat + x - 1", character()),
  list("cluster1_w", "binomial", "bin ~ x + region + z", character()),
  list("cluster1_w", "binomial", "bin ~ x + I(x^2) + factor(cat)", character()),
  list("cluster1_w", "binomial", "bin ~ factor(cat) * region", character()),
  list("cluster1", "binomial", "bin ~ log(x) + num", character()),
  list("nested", "binomial", "bin ~ x + cat", character()),
  list("twostage", "binomial", "bin ~ x + num + cat", c("x + num")),
  # poisson (R: quasipoisson)
  list("strat_fpc", "poisson", "count ~ x + factor(cat)", character()),
  list("strat_fpc", "poisson", "count ~ cat * region", character()),
  list("cluster1_w", "poisson", "count ~ log(x) + num + region", character()),
  list("cluster1_w", "poisson", "count ~ x * cat + z", character()),
  list("nested", "poisson", "count ~ x + num + cat", c("x + num")),
  list("twostage", "poisson", "count ~ x + num + z", c("x + num")),
  list("twostage", "poisson", "count ~ I(x^2) + factor(cat) - 1", character()),
  # factor codings beyond the simple ones: a factor x factor interaction with one margin only
  # (R codes region by contrasts, as its margin cat is in the model, and cat by indicators), and
  # two factors without an intercept (R codes only the first by indicators, the second by
  # contrasts)
  list("strat_fpc", "gaussian", "y ~ cat + cat:region", character()),
  list("strat_fpc", "binomial", "bin ~ factor(cat) + region - 1", character())
)

r_family <- function(family) {
  switch(family, gaussian = gaussian(), binomial = quasibinomial(), poisson = quasipoisson())
}

# ---------------------------------------------------------------------------------------------
# Coefficient names: R's, rebuilt from the terms and checked against coef(m), and the engine's.

strip_factor <- function(v) sub("^factor\\((.*)\\)$", "\\1", v)

coefficient_names <- function(m) {
  tt <- terms(m)
  fac <- attr(tt, "factors")
  labels <- attr(tt, "term.labels")
  vars <- rownames(fac)
  mf <- model.frame(m)
  intercept <- attr(tt, "intercept") == 1
  r <- if (intercept) "(Intercept)" else character()
  ours <- r
  full_used <- intercept   # without an intercept R codes the first factor main effect fully
  for (j in seq_along(labels)) {
    in_term <- vars[fac[, j] > 0]
    r_acc <- ""; o_acc <- ""
    for (k in seq_along(in_term)) {
      v <- in_term[k]
      if (is.factor(mf[[v]]) || is.character(mf[[v]])) {
        lv <- m$xlevels[[v]]
        full <- fac[v, j] == 2 || (!full_used && length(in_term) == 1)
        if (length(in_term) == 1) full_used <- TRUE
        if (!full) lv <- lv[-1]
        r_piece <- paste0(v, lv)
        o_piece <- paste0(strip_factor(v), "[", lv, "]")
      } else {
        r_piece <- v; o_piece <- v
      }
      if (k == 1) { r_acc <- r_piece; o_acc <- o_piece } else {
        # the earlier variables vary fastest
        r_acc <- as.vector(outer(r_acc, r_piece, paste, sep = ":"))
        o_acc <- as.vector(outer(o_acc, o_piece, paste, sep = ":"))
      }
    }
    r <- c(r, r_acc); ours <- c(ours, o_acc)
  }
  stopifnot(identical(r, names(coef(m))))
  list(r = r, ours = ours, assign = attr(model.matrix(m), "assign"), labels = labels)
}

# ---------------------------------------------------------------------------------------------
# Output

fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "", sprintf("%.17g", v))
}

tight <- glm.control(epsilon = 1e-12, maxit = 100)
fit <- function(formula, des, family) {
  f <- as.formula(formula)
  m0 <- svyglm(f, des, family = r_family(family), control = tight)
  stopifnot(m0$converged)
  # Restarted at the solution, glm's final working weights are those at the solution.
  # (do.call: svyglm re-evaluates its call elsewhere, so the start goes in as a value)
  m <- do.call(svyglm, list(formula = f, design = des, family = r_family(family), control = tight,
                            start = unname(coef(m0))))
  stopifnot(m$converged, isTRUE(all.equal(coef(m), coef(m0), tolerance = 1e-10)))
  m
}

coef_rows <- list()
test_rows <- list()
default_change <- 0
for (i in seq_along(cases)) {
  cs <- cases[[i]]
  design_id <- cs[[1]]; family <- cs[[2]]; formula <- cs[[3]]; requested <- cs[[4]]
  spec <- designs[[design_id]]
  des <- build_design(spec)
  case <- paste(design_id, family, formula, sep = " | ")
  m <- fit(formula, des, family)
  stopifnot(!anyNA(coef(m)))

  # glm.control's default epsilon: how far its SEs are from the converged ones.
  m_default <- svyglm(as.formula(formula), des, family = r_family(family))
  change <- max(abs(SE(m_default) / SE(m) - 1), abs(coef(m_default) - coef(m)) / SE(m))
  default_change <- max(default_change, change)
  if (change > 1e-7) cat(sprintf("  %s: %.3g at glm's default epsilon\n", case, change))

  nm <- coefficient_names(m)
  s <- summary(m)$coefficients
  ci <- confint(m)
  dfr <- m$df.residual
  n <- length(m$y)
  d <- data[[spec$data]]
  used <- complete.cases(d[, all.vars(as.formula(formula))])
  stopifnot(n == sum(used), nrow(m$survey.design$variables) == n,
            dfr == degf(subset(des, used)) + 1 - length(coef(m)))
  # the interval is the t interval on df.residual; t and p are on the same df
  crit <- qt(0.975, dfr)
  stopifnot(isTRUE(all.equal(unname(ci[, 1]), unname(coef(m) - crit * SE(m)), tolerance = 1e-10)),
            isTRUE(all.equal(unname(ci[, 2]), unname(coef(m) + crit * SE(m)), tolerance = 1e-10)),
            isTRUE(all.equal(unname(s[, 3]), unname(coef(m) / SE(m)), tolerance = 1e-12)),
            isTRUE(all.equal(unname(s[, 4]), unname(2 * pt(-abs(coef(m) / SE(m)), dfr)), tolerance = 1e-12)))

  coef_rows[[length(coef_rows) + 1]] <- data.frame(
    case = case, data = spec$data, weights = spec$weights, strata = spec$strata,
    cluster = spec$cluster, fpc = spec$fpc, nest = if (spec$nest) "TRUE" else "FALSE",
    family = family, formula = formula, term = nm$ours, r_term = nm$r,
    estimate = fmt(s[, 1]), std_error = fmt(s[, 2]), statistic = fmt(s[, 3]),
    p_value = fmt(s[, 4]), conf_low = fmt(ci[, 1]), conf_high = fmt(ci[, 2]),
    df_residual = fmt(dfr), n = n, stringsAsFactors = FALSE)

  emit_test <- function(label, r_terms, is_requested) {
    tst <- regTermTest(m, as.formula(paste("~", r_terms)))
    stopifnot(tst$ddf == dfr, tst$df == sum(nm$assign %in% match(strsplit(r_terms, " + ", fixed = TRUE)[[1]], nm$labels)))
    test_rows[[length(test_rows) + 1]] <<- data.frame(
      case = case, terms = label, r_terms = r_terms,
      requested = if (is_requested) "TRUE" else "FALSE",
      F = fmt(tst$Ftest), df_num = tst$df, df_den = fmt(tst$ddf),
      p = fmt(tst$p), stringsAsFactors = FALSE)
  }
  # every term with more than one coefficient, in term order
  columns_per_term <- table(factor(nm$assign[nm$assign > 0], levels = seq_along(nm$labels)))
  for (j in seq_along(nm$labels)) {
    if (columns_per_term[[j]] > 1) emit_test(nm$labels[j], nm$labels[j], FALSE)
  }
  for (t in requested) emit_test(t, t, TRUE)
}

coefs <- do.call(rbind, coef_rows)
tests <- do.call(rbind, test_rows)
write.csv(coefs, file.path(outdir, "expected_coefficients.csv"), row.names = FALSE, na = "",
          fileEncoding = "UTF-8")
write.csv(tests, file.path(outdir, "expected_tests.csv"), row.names = FALSE, na = "",
          fileEncoding = "UTF-8")
cat(sprintf("largest change of a coefficient (in SEs) or relative change of an SE at glm's default epsilon: %.3g\n",
            default_change))
cat("wrote", nrow(coefs), "coefficient rows and", nrow(tests), "tests in", length(cases), "fits to", outdir, "\n")
