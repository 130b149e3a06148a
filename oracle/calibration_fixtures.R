# calibration_fixtures.R -- the independent oracle for disparity's calibration to population
# totals (--poststratify, --calibrate, --rake): R survey's postStratify and calibrate, on a
# linearization design and on replicate designs (each replicate calibrated, R's
# calibrate.svyrep.design / postStratify.svyrep.design).
#
# What it makes (under Tests/StatsEngineTests/Fixtures/calibration/):
#   calib.csv          a generated sample: 4 strata, 38 PSUs (ids repeat across strata: --nest),
#                      weights w, factors sex, agegrp, origin, district (numbers 1-5), cat;
#                      numbers income, x, y; bin 0/1
#   calib_jk1.csv      the same rows with JK1 replicate weights repw1..repw38 (as.svrepdesign of
#                      the design without strata, weights(, "analysis"))
#   calib_boot.csv     the same rows with 50 bootstrap replicate weights (as.svrepdesign)
#   totals_*.csv       population totals, CSV variable,level,total
#   expected.csv       R's estimates and standard errors per case and output row
#
# Cases (the engine's design options in column `design`, `|`-separated):
#   post         postStratify(des, ~district, ...)
#   linear       calibrate(des, ~sex + agegrp + income, pop)
#   raking       calibrate(des, ~sex + agegrp + origin, pop, calfun = "raking")  (= --rake)
#   logit        calibrate(des, ~sex + agegrp + origin, pop, calfun = "logit", bounds = c(0.5, 2))
#   linear_bounds calibrate(des, ~sex + agegrp + income, pop, bounds = c(0.4, 1.7))
#   jk1_linear   calibrate(svrepdesign JK1, ~sex + agegrp + income, pop)
#   jk1_post     postStratify(svrepdesign JK1, ~district, ...)
#   boot_raking  calibrate(svrepdesign bootstrap, ~sex + agegrp + origin, pop, calfun = "raking")
# Every calibrate() call converges fully: epsilon = 1e-13, maxit = 500 (R's defaults stop at
# 1e-7). Statistics: mean, total, ratio y/x, proportion of cat, the cells of the cross-table
# sex x cat (shares of the population, svymean of the crossed factor), mean by origin (with the
# domain's degf), the median (linearization: svyquantile ci = TRUE, the Woodruff interval;
# replicates: R's default interval.type = "mean", Woodruff on the replicate variance), a gap (mean of M minus mean of F: svyby + svycontrast
# on replicates, the delta method on domain totals on linearization designs), a
# gaussian svyglm y ~ x + sex, a quasibinomial svyglm bin ~ x + y, and the calibrated weights'
# sum and sum of squares (estimate, std_error columns of the `weights` rows; replicates too).
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/calibration_fixtures.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261130)
options(survey.lonely.psu = "fail")

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/calibration_fixtures.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "calibration")
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
num17 <- function(x) { x <- as.numeric(x); ifelse(is.na(x), "", sprintf("%.17g", x)) }
eps <- 1e-13; maxit <- 500

# --- the sample ------------------------------------------------------------------------------
psus <- c(8, 10, 9, 11)
rows <- list()
for (h in seq_along(psus)) for (p in seq_len(psus[h])) {
  m <- sample(6:10, 1)
  rows[[length(rows) + 1]] <- data.frame(stratum = h, psu = p, w = round(runif(m, 0.8, 1.2) * c(40, 60, 90, 120)[h], 3))
}
d <- do.call(rbind, rows)
n <- nrow(d)
d$sex <- sample(c("F", "M"), n, replace = TRUE)
d$agegrp <- sample(c("16-29", "30-49", "50+"), n, replace = TRUE, prob = c(0.35, 0.35, 0.3))
d$origin <- sample(c("dansk", "ikke-vestlig", "vestlig"), n, replace = TRUE, prob = c(0.7, 0.15, 0.15))
d$district <- sample(1:5, n, replace = TRUE)
d$cat <- sample(c("a", "b", "c"), n, replace = TRUE)
d$income <- round(rlnorm(n, log(300), 0.4) + 20 * d$stratum, 2)
d$x <- round(runif(n, 1, 3), 3)
d$y <- round(40 + 4 * (d$sex == "M") + 0.02 * d$income + 3 * d$x + 2 * d$stratum + rnorm(n, 0, 5), 2)
d$bin <- rbinom(n, 1, plogis(-2 + 0.3 * d$x + 0.03 * (d$y - 50)))
write.csv(d, file.path(outdir, "calib.csv"), row.names = FALSE, quote = FALSE)
d <- read.csv(file.path(outdir, "calib.csv"), stringsAsFactors = FALSE)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = d)

# --- population totals ---------------------------------------------------------------------
N <- round(sum(d$w) * 1.04)
shares <- function(p) { t <- round(N * p); t[length(t)] <- N - sum(t[-length(t)]); t }
margins <- list(sex = c(F = 0.49, M = 0.51), agegrp = c(`16-29` = 0.30, `30-49` = 0.36, `50+` = 0.34),
                origin = c(dansk = 0.78, `ikke-vestlig` = 0.10, vestlig = 0.12),
                district = c(`1` = 0.18, `2` = 0.22, `3` = 0.2, `4` = 0.25, `5` = 0.15))
tot <- lapply(margins, function(p) { t <- shares(p); names(t) <- names(p); t })
income_total <- round(sum(d$w * d$income) * 1.06)
# Bounded cases: margins far enough from the sample's that the bounds bind.
bmargins <- list(sex = c(F = 0.42, M = 0.58), agegrp = c(`16-29` = 0.22, `30-49` = 0.34, `50+` = 0.44),
                 origin = c(dansk = 0.74, `ikke-vestlig` = 0.09, vestlig = 0.17))
btot <- lapply(bmargins, function(p) { t <- shares(p); names(t) <- names(p); t })

totals_csv <- function(file, factors, numeric = list(), intercept = TRUE) {
  out <- data.frame(variable = character(), level = character(), total = numeric(), stringsAsFactors = FALSE)
  if (intercept) out <- rbind(out, data.frame(variable = "(Intercept)", level = "", total = N))
  for (v in names(factors)) out <- rbind(out, data.frame(variable = v, level = names(factors[[v]]), total = as.numeric(factors[[v]])))
  for (v in names(numeric)) out <- rbind(out, data.frame(variable = v, level = "", total = numeric[[v]]))
  write.csv(out, file.path(outdir, file), row.names = FALSE, na = "")
}
totals_csv("totals_district.csv", tot["district"], intercept = FALSE)
totals_csv("totals_linear.csv", tot[c("sex", "agegrp")], list(income = income_total))
totals_csv("totals_rake.csv", tot[c("sex", "agegrp", "origin")], intercept = FALSE)
totals_csv("totals_logit.csv", btot[c("sex", "agegrp", "origin")])
totals_csv("totals_bounded.csv", btot[c("sex", "agegrp")], list(income = income_total))

# R's population vectors: model-matrix columns.
pop_vector <- function(factors, numeric = list()) {
  v <- c(`(Intercept)` = N)
  for (f in names(factors)) { t <- factors[[f]]; v <- c(v, setNames(t[-1], paste0(f, names(t)[-1]))) }
  c(v, unlist(numeric))
}
pop_linear <- pop_vector(tot[c("sex", "agegrp")], list(income = income_total))
pop_rake <- pop_vector(tot[c("sex", "agegrp", "origin")])
pop_logit <- pop_vector(btot[c("sex", "agegrp", "origin")])
pop_bounded <- pop_vector(btot[c("sex", "agegrp")], list(income = income_total))
post_pop <- data.frame(district = as.integer(names(tot$district)), Freq = as.numeric(tot$district))

# --- replicate designs (made before calibration, R's order) ----------------------------------
d$psu_id <- paste(d$stratum, d$psu, sep = "/")
unstrat <- svydesign(ids = ~psu_id, weights = ~w, data = d)
d$psu_id <- NULL
rep_file <- function(rdes, file) {
  W <- weights(rdes, "analysis"); colnames(W) <- paste0("repw", seq_len(ncol(W)))
  out <- cbind(d, apply(W, 2, num17), stringsAsFactors = FALSE)
  write.csv(out, file.path(outdir, file), row.names = FALSE, quote = FALSE)
  read.csv(file.path(outdir, file), stringsAsFactors = FALSE)
}
jk1 <- rep_file(as.svrepdesign(unstrat, type = "JK1", compress = FALSE), "calib_jk1.csv")
boot <- rep_file(as.svrepdesign(des, type = "bootstrap", replicates = 50, compress = FALSE), "calib_boot.csv")
rjk1 <- svrepdesign(data = jk1, repweights = "repw[0-9]+", weights = ~w, type = "JK1", combined.weights = TRUE)
rboot <- svrepdesign(data = boot, repweights = "repw[0-9]+", weights = ~w, type = "bootstrap", combined.weights = TRUE)

base_lin <- "--weights|w|--strata|stratum|--cluster|psu|--nest"
base_jk1 <- "--weights|w|--replicate-weights|repw*|--replicate-type|jk1"
base_boot <- "--weights|w|--replicate-weights|repw*|--replicate-type|bootstrap"
cal <- function(design, formula, pop, ...) {
  if (inherits(design, "svyrep.design")) calibrate(design, formula, pop, epsilon = eps, maxit = maxit, compress = FALSE, ...)
  else calibrate(design, formula, pop, epsilon = eps, maxit = maxit, ...)
}
cases <- list(
  list(name = "post", data = "calib", design = paste(base_lin, "--poststratify|district|--totals|totals_district.csv", sep = "|"),
       des = postStratify(des, ~district, post_pop)),
  list(name = "linear", data = "calib", design = paste(base_lin, "--calibrate|~ sex + agegrp + income|--totals|totals_linear.csv", sep = "|"),
       des = cal(des, ~sex + agegrp + income, pop_linear)),
  list(name = "raking", data = "calib", design = paste(base_lin, "--rake|sex,agegrp,origin|--totals|totals_rake.csv", sep = "|"),
       des = cal(des, ~sex + agegrp + origin, pop_rake, calfun = "raking")),
  list(name = "logit", data = "calib", design = paste(base_lin, "--calibrate|~ sex + agegrp + origin|--calfun|logit|--bounds|0.5,2|--totals|totals_logit.csv", sep = "|"),
       des = cal(des, ~sex + agegrp + origin, pop_logit, calfun = "logit", bounds = c(0.5, 2))),
  list(name = "linear_bounds", data = "calib", design = paste(base_lin, "--calibrate|~ sex + agegrp + income|--bounds|0.4,1.7|--totals|totals_bounded.csv", sep = "|"),
       des = cal(des, ~sex + agegrp + income, pop_bounded, bounds = c(0.4, 1.7))),
  list(name = "jk1_linear", data = "calib_jk1", design = paste(base_jk1, "--calibrate|~ sex + agegrp + income|--totals|totals_linear.csv", sep = "|"),
       des = cal(rjk1, ~sex + agegrp + income, pop_linear)),
  list(name = "jk1_post", data = "calib_jk1", design = paste(base_jk1, "--poststratify|district|--totals|totals_district.csv", sep = "|"),
       des = postStratify(rjk1, ~district, post_pop)),
  list(name = "boot_raking", data = "calib_boot", design = paste(base_boot, "--rake|sex,agegrp,origin|--totals|totals_rake.csv", sep = "|"),
       des = cal(rboot, ~sex + agegrp + origin, pop_rake, calfun = "raking")))

# The bounds bind in the bounded cases (else they would test nothing).
g_of <- function(cd) weights(cd) / d$w
stopifnot(any(abs(g_of(cases[[5]]$des) - 0.4) < 1e-9 | abs(g_of(cases[[5]]$des) - 1.7) < 1e-9))
stopifnot(min(g_of(cases[[4]]$des)) < 0.75 || max(g_of(cases[[4]]$des)) > 1.6)

out <- list()
add <- function(...) out[[length(out) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)
for (cs in cases) {
  r <- cs$des
  replicate <- inherits(r, "svyrep.design")
  row <- function(what, command, statistic = "", variable = "", by = "", q = "", denominator = "", df = "auto",
                  formula = "", family = "", reference = "", focal = "", group = "", category = "", term = "",
                  estimate, se, df_value = "") {
    add(case = paste(cs$name, what, sep = "/"), data = cs$data, design = cs$design, command = command, statistic = statistic,
        variable = variable, by = by, q = q, denominator = denominator, df = df, formula = formula, family = family,
        reference = reference, focal = focal, group = group, category = category, term = term,
        estimate = num17(estimate), std_error = num17(se), df_value = df_value)
  }
  m <- svymean(~y, r); row("mean", "estimate", "mean", "y", estimate = coef(m), se = SE(m))
  m <- svytotal(~y, r); row("total", "estimate", "total", "y", estimate = coef(m), se = SE(m))
  m <- svyratio(~y, ~x, r); row("ratio", "estimate", "ratio", "y", denominator = "x", estimate = coef(m), se = SE(m))
  m <- svymean(~factor(cat), r)
  for (i in seq_along(coef(m))) row("proportion", "estimate", "proportion", "cat", category = sub("factor\\(cat\\)", "", names(coef(m))[i]),
                                    estimate = coef(m)[i], se = SE(m)[i])
  rc <- update(r, sexcat = factor(paste(sex, cat, sep = "|")))
  m <- svymean(~sexcat, rc)
  for (i in seq_along(coef(m))) {
    level <- strsplit(sub("^sexcat", "", names(coef(m))[i]), "|", fixed = TRUE)[[1]]
    row("table_cells", "table", variable = "sex", by = "cat", group = level[1], category = level[2], estimate = coef(m)[i], se = SE(m)[i])
  }
  b <- svyby(~y, ~origin, r, svymean)
  for (lv in rownames(b)) {
    row("mean_by_origin", "estimate", "mean", "y", by = "origin", df = "design", group = lv,
        estimate = coef(b)[[lv]], se = SE(b)[[which(rownames(b) == lv)]], df_value = as.character(degf(subset(r, origin == lv))))
  }
  if (replicate) {
    q <- svyquantile(~y, r, 0.5)   # R's default for replicate designs: interval.type = "mean"
    row("median", "estimate", "quantile", "y", q = "0.5", estimate = q$y[1, "quantile"], se = q$y[1, 4], df_value = as.character(degf(r)))
  } else {
    q <- svyquantile(~y, r, 0.5, ci = TRUE)[[1]]
    row("median", "estimate", "quantile", "y", q = "0.5", estimate = q[1, 1], se = q[1, 4], df_value = as.character(degf(r)))
  }
  if (replicate) {
    g <- svycontrast(svyby(~y, ~sex, r, svymean, covmat = TRUE), c(F = -1, M = 1))
  } else {
    # svyby(covmat = TRUE) fails on calibrated linearization designs in survey 4.1.1; the
    # delta method on the domain totals is the same linearization.
    r <- update(r, yF = y * (sex == "F"), iF = as.numeric(sex == "F"), yM = y * (sex == "M"), iM = as.numeric(sex == "M"))
    g <- svycontrast(svytotal(~yF + iF + yM + iM, r), quote(yM / iM - yF / iF))
  }
  row("gap", "gap", "mean", "y", by = "sex", reference = "F", focal = "M", estimate = coef(g), se = SE(g))
  for (fit in list(list(f = y ~ x + sex, fam = gaussian(), name = "gaussian"),
                   list(f = bin ~ x + y, fam = quasibinomial(), name = "binomial"))) {
    # IRLS to convergence, restarted at the solution (as svyglm_fixtures.R: glm's covariance
    # uses the working weights of the iteration before the last update).
    tight <- glm.control(epsilon = 1e-12, maxit = 100)
    m0 <- svyglm(fit$f, r, family = fit$fam, control = tight)
    model <- do.call(svyglm, list(formula = fit$f, design = r, family = fit$fam, control = tight, start = unname(coef(m0))))
    stopifnot(model$converged)
    ftext <- paste(deparse(fit$f), collapse = "")
    for (term in names(coef(model))) {
      row(paste0("glm_", fit$name), "regress", formula = ftext, family = fit$name, term = term,
          estimate = coef(model)[term], se = SE(model)[term], df_value = as.character(model$df.residual))
    }
  }
  # The calibrated weights: their sum and sum of squares (and the replicates' likewise).
  w <- if (replicate) weights(r, "sampling") else weights(r)
  row("weights", "weights", estimate = sum(w), se = sum(w^2))
  if (replicate) { W <- weights(r, "analysis"); row("replicate_weights", "replicate_weights", estimate = sum(W[, 1]), se = sum(W^2)) }
}
expected <- do.call(rbind, out)
write.csv(expected, file.path(outdir, "expected.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat(nrow(expected), "expected rows,", n, "sample rows\n")
