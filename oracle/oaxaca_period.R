# oaxaca_period.R -- the independent oracle for `disparity gap --adjust` with `--period`
# (GapEstimator with OaxacaBlinder): the decomposition of each wave's gap on that wave's rows.
#
# What it makes (under Tests/StatsEngineTests/Fixtures/oaxaca/):
#   period_rep.csv   the rows of Fixtures/gap/waves_panel.csv (oracle/gap_fixtures.R; run that
#                    first if it changes) with JK1 replicate weights rw1..rwR made in R by
#                    as.svrepdesign(type = "JK1", compress = FALSE) on its PSUs without strata
#                    (ids stratum/psu), written from weights(rdes, "analysis")
#   period_expected.csv
#                    R's estimate and standard error of every part of the decomposition of the
#                    gap in y between region Syd (focal) and Nord (reference) in the current wave
#                    2023 (components explained, unexplained, endowments, coefficients,
#                    interaction, explained[term], unexplained[term]) and the baseline wave 2021
#                    (the same names prefixed "baseline "), for y ~ x + factor(cat)
#
# Designs (the `design` column):
#   waves_panel   svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE) on
#                 waves_panel.csv (a panel: the same PSUs in both waves), linearization
#   waves_indep   svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~w) on
#                 waves_indep.csv (independent waves), linearization
#   period_rep    svrepdesign(repweights = "rw[0-9]+", weights = ~w, type = "JK1",
#                 combined.weights = TRUE) on period_rep.csv (R's scale (R - 1)/R, no mse)
#
# How R computes them. A wave's decomposition sample: the rows of that wave whose y, x, cat and
# region are all present (the rows of its regressions), as Stata's oaxaca and the engine take
# one estimation sample. In it, per group g (f = Syd, r = Nord), beta_g from
# svyglm(y ~ x + cat, subset(design, sample & region == g)) and xbar_g, the weighted means of
# the model matrix's columns (svymean), cat a factor with its levels in code-point order
# (blomme, paere, aeble: the engine's order), so the base level is blomme in both. Then
#   explained   (xbar_f - xbar_r)' beta_r          unexplained  xbar_f' (beta_f - beta_r)
#   endowments  (xbar_f - xbar_r)' beta_r          coefficients xbar_r' (beta_f - beta_r)
#   interaction (xbar_f - xbar_r)' (beta_f - beta_r)
#   explained[term], unexplained[term]: the same sums over the term's columns only (x; the two
#   columns of factor(cat); unexplained also over the intercept, "(Intercept)").
# Linearization: each part's influence values are the delta method's combination of the
# influence values of xbar_f, xbar_r (svymean(..., influence = TRUE)) and beta_f, beta_r
# (svyglm's, as its svy.varcoef forms them: estfun %*% naive.cov), placed at their rows of the whole design (0 elsewhere), and
# its variance is svyrecvar of them over the whole design (domain estimation: the design kept
# whole). Checked here: svyrecvar of each fit's or mean's influence values so placed equals its
# vcov(). Replicates: withReplicates(rdes, function(w, data) ...) with the same computation from
# weighted least squares (lm with weights w, equal to svyglm's coefficients) and weighted means,
# checked equal to the svyglm/svymean figures at the full-sample weights.
# Also checked: in each wave explained + unexplained = the difference of the groups' weighted
# means of y over the sample (svyby), and endowments + coefficients + interaction likewise.
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/oaxaca_period.R
# Deterministic. Tests/StatsEngineTests/Disparities/OaxacaPeriodOracleTests.swift checks the
# engine against period_expected.csv.
#
# Columns of period_expected.csv:
#   design        waves_panel, waves_indep or period_rep (above)
#   component     the engine's row name
#   estimate, std_error, n   R's numbers (n: the rows of both groups in the wave's sample)

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/oaxaca_period.R")
gapdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "gap")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "oaxaca")

read_set <- function(path) {
  read.csv(path, na.strings = "", stringsAsFactors = FALSE, fileEncoding = "UTF-8", encoding = "UTF-8")
}
fmt <- function(v) ifelse(is.na(v), "", sprintf("%.17g", as.numeric(v)))
same <- function(a, b, tolerance = 1e-10) {
  stopifnot(length(a) == length(b), isTRUE(all.equal(as.numeric(a), as.numeric(b), tolerance = tolerance)))
}

FOCAL <- "Syd"
REFERENCE <- "Nord"
WAVES <- c(current = 2023, baseline = 2021)

# cat as a factor with the engine's level order (Unicode code points), blomme the base.
code_point_levels <- function(x) {
  u <- unique(na.omit(x))
  u[order(sapply(u, function(s) paste(sprintf("%08x", utf8ToInt(s)), collapse = "")))]
}

# The decomposition from the groups' coefficients and means (columns of the model matrix in the
# same order): every part's estimate and its gradient in theta = (xbar_f, xbar_r, beta_f, beta_r).
TERMS <- list(x = "x", "factor(cat)" = NULL)  # filled below with the factor's columns
parts <- function(xf, xr, bf, br, columns) {
  p <- length(xf)
  d <- xf - xr
  b <- bf - br
  at <- function(block, j) (block - 1) * p + j
  part <- function(js, value, grad) {
    g <- numeric(4 * p)
    v <- 0
    for (j in js) { v <- v + value(j); g <- g + grad(j) }
    list(estimate = v, gradient = g)
  }
  unit <- function(i) { g <- numeric(4 * p); g[i] <- 1; g }
  explained <- function(js) part(js, function(j) d[j] * br[j],
                                 function(j) br[j] * unit(at(1, j)) - br[j] * unit(at(2, j)) + d[j] * unit(at(4, j)))
  unexplained <- function(js) part(js, function(j) xf[j] * b[j],
                                   function(j) b[j] * unit(at(1, j)) + xf[j] * unit(at(3, j)) - xf[j] * unit(at(4, j)))
  all <- seq_len(p)
  out <- list(explained = explained(all), unexplained = unexplained(all),
              endowments = explained(all),
              coefficients = part(all, function(j) xr[j] * b[j],
                                  function(j) b[j] * unit(at(2, j)) + xr[j] * unit(at(3, j)) - xr[j] * unit(at(4, j))),
              interaction = part(all, function(j) d[j] * b[j],
                                 function(j) b[j] * (unit(at(1, j)) - unit(at(2, j))) + d[j] * (unit(at(3, j)) - unit(at(4, j)))))
  terms <- list(x = which(columns == "x"), "factor(cat)" = grep("^cat", columns))
  for (t in names(terms)) out[[paste0("explained[", t, "]")]] <- explained(terms[[t]])
  out[["unexplained[(Intercept)]"]] <- unexplained(which(columns == "(Intercept)"))
  for (t in names(terms)) out[[paste0("unexplained[", t, "]")]] <- unexplained(terms[[t]])
  out
}

rows <- list()
emit <- function(design, component, estimate, se, n) {
  stopifnot(is.finite(estimate), is.finite(se), se > 0)
  rows[[length(rows) + 1]] <<- data.frame(design = design, component = component, estimate = fmt(estimate),
                                          std_error = fmt(se), n = as.character(n), stringsAsFactors = FALSE)
}

prepare <- function(d) {
  d$cat <- factor(d$cat, levels = code_point_levels(d$cat))
  d$.row <- seq_len(nrow(d))
  d
}

# The wave's sample and the groups' rows in it.
sample_of <- function(d, wave) {
  wave_rows <- d$wave == wave & !is.na(d$y) & !is.na(d$x) & !is.na(d$cat) & !is.na(d$region)
  list(f = wave_rows & d$region == FOCAL, r = wave_rows & d$region == REFERENCE)
}

# Linearization: the decomposition and its SEs on a survey.design2.
linearized_case <- function(id, des) {
  d <- des$variables
  n_all <- nrow(d)
  for (role in names(WAVES)) {
    s <- sample_of(d, WAVES[[role]])
    fit <- list(); mean_x <- list(); infl <- list()
    for (g in c("f", "r")) {
      dg <- des[s[[g]], ]
      m <- svyglm(y ~ x + cat, design = dg)
      stopifnot(length(m$na.action) == 0, m$rank == ncol(model.matrix(m)))
      X <- model.matrix(~ x + cat, model.frame(~ x + cat, dg$variables))
      stopifnot(identical(colnames(X), names(coef(m))))
      mx <- svymean(~ x + cat, dg, influence = TRUE)
      # xbar with the intercept's mean 1 (influence 0) first
      xbar <- c(1, coef(mx)[c("x", grep("^cat", names(coef(mx)), value = TRUE)[-1])])
      stopifnot(isTRUE(all.equal(unname(xbar), unname(colSums(X * weights(dg)) / sum(weights(dg))), tolerance = 1e-12)))
      place <- function(values) {
        out <- matrix(0, n_all, ncol(values))
        out[dg$variables$.row, ] <- values
        out
      }
      # svyglm's influence values as svy.varcoef forms them (survey 4.1.1's influence = TRUE
      # stops on a typo, `estfun < ...`): estfun %*% the naive (X'WX)^-1
      ib <- place((model.matrix(m) * resid(m, "working") * m$weights) %*% m$naive.cov)
      im <- place(cbind(0, attr(mx, "influence")[, c("x", grep("^cat", colnames(attr(mx, "influence")), value = TRUE)[-1]), drop = FALSE]))
      V <- function(z) svyrecvar(z, des$cluster, des$strata, des$fpc, postStrata = des$postStrata)
      same(V(ib), vcov(m), 1e-9)
      same(V(im)[-1, -1], vcov(mx)[c("x", grep("^cat", names(coef(mx)), value = TRUE)[-1]),
                                   c("x", grep("^cat", names(coef(mx)), value = TRUE)[-1])], 1e-9)
      fit[[g]] <- coef(m); mean_x[[g]] <- unname(xbar); infl[[g]] <- list(mean = im, beta = ib)
      columns <- colnames(X)
    }
    theta_infl <- cbind(infl$f$mean, infl$r$mean, infl$f$beta, infl$r$beta)
    Vtheta <- svyrecvar(theta_infl, des$cluster, des$strata, des$fpc, postStrata = des$postStrata)
    out <- parts(mean_x$f, mean_x$r, unname(fit$f), unname(fit$r), columns)
    # the parts add up to the difference of the groups' means of y over the sample
    mean_y <- sapply(c("f", "r"), function(g) { dg <- d[s[[g]], ]; sum(dg$w * dg$y) / sum(dg$w) })
    same(out$explained$estimate + out$unexplained$estimate, mean_y[["f"]] - mean_y[["r"]], 1e-12)
    same(out$endowments$estimate + out$coefficients$estimate + out$interaction$estimate, mean_y[["f"]] - mean_y[["r"]], 1e-12)
    by <- svyby(~y, ~region, subset(des, s$f | s$r), svymean)
    same(coef(by)[[FOCAL]] - coef(by)[[REFERENCE]], mean_y[["f"]] - mean_y[["r"]], 1e-12)
    n <- sum(s$f) + sum(s$r)
    for (name in names(out)) {
      g <- out[[name]]$gradient
      emit(id, paste0(if (role == "baseline") "baseline " else "", name), out[[name]]$estimate,
           sqrt(drop(t(g) %*% Vtheta %*% g)), n)
    }
  }
}

set_panel <- prepare(read_set(file.path(gapdir, "waves_panel.csv")))
set_indep <- prepare(read_set(file.path(gapdir, "waves_indep.csv")))
linearized_case("waves_panel", svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = set_panel))
linearized_case("waves_indep", svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~w, data = set_indep))

# Replicates: JK1 weights of the panel's PSUs, written with the data and read back.
raw <- read_set(file.path(gapdir, "waves_panel.csv"))
raw$psu_id <- paste(raw$stratum, raw$psu, sep = "/")
jk <- as.svrepdesign(svydesign(ids = ~psu_id, weights = ~w, data = raw), type = "JK1", compress = FALSE)
reps <- weights(jk, "analysis")
colnames(reps) <- paste0("rw", seq_len(ncol(reps)))
raw$psu_id <- NULL
out <- cbind(raw, apply(reps, 2, fmt), stringsAsFactors = FALSE)
write.csv(out, file.path(outdir, "period_rep.csv"), row.names = FALSE, na = "", fileEncoding = "UTF-8",
          quote = which(names(out) %in% c("cat", "region")))
rep_set <- prepare(read_set(file.path(outdir, "period_rep.csv")))
rdes <- svrepdesign(data = rep_set, repweights = "rw[0-9]+", weights = ~w, type = "JK1", combined.weights = TRUE,
                    scale = (ncol(reps) - 1) / ncol(reps))   # R's JK1 default, given to spare its warning

# The decomposition with weights w (least squares per group, weighted means).
decomposition <- function(w, d, wave) {
  s <- sample_of(d, wave)
  X <- model.matrix(~ x + cat, d)   # rows with x and cat; the sample's rows are among them
  keep <- as.integer(rownames(X))
  fit <- list(); xbar <- list()
  for (g in c("f", "r")) {
    in_g <- s[[g]][keep]
    Xg <- X[in_g, , drop = FALSE]
    wg <- w[keep][in_g]
    yg <- d$y[keep][in_g]
    fit[[g]] <- unname(coef(lm.wfit(Xg, yg, wg)))
    xbar[[g]] <- unname(colSums(Xg * wg) / sum(wg))
  }
  out <- parts(xbar$f, xbar$r, fit$f, fit$r, colnames(X))
  sapply(out, function(p) p$estimate)
}
for (role in names(WAVES)) {
  wave <- WAVES[[role]]
  full <- decomposition(weights(rdes, "sampling"), rep_set, wave)
  # the same as svyglm and svymean at the full-sample weights
  s <- sample_of(rep_set, wave)
  lin <- svydesign(ids = ~1, weights = ~w, data = rep_set)
  b_r <- coef(svyglm(y ~ x + cat, design = lin[s$r, ]))
  b_f <- coef(svyglm(y ~ x + cat, design = lin[s$f, ]))
  X <- function(g) model.matrix(~ x + cat, rep_set[s[[g]], ])
  xb <- function(g) colSums(X(g) * rep_set$w[s[[g]]]) / sum(rep_set$w[s[[g]]])
  same(full[["explained"]], sum((xb("f") - xb("r")) * b_r), 1e-12)
  same(full[["unexplained"]], sum(xb("f") * (b_f - b_r)), 1e-12)
  est <- withReplicates(rdes, function(w, data) decomposition(w, data, wave))
  same(coef(est), full, 1e-12)
  n <- sum(s$f) + sum(s$r)
  for (name in names(full)) {
    emit("period_rep", paste0(if (role == "baseline") "baseline " else "", name), full[[name]], SE(est)[[name]], n)
  }
}

expected <- do.call(rbind, rows)
stopifnot(!any(duplicated(expected[, c("design", "component")])))
write.csv(expected, file.path(outdir, "period_expected.csv"), row.names = FALSE, na = "", fileEncoding = "UTF-8")
cat("wrote", nrow(expected), "rows to", file.path(outdir, "period_expected.csv"), "\n")
