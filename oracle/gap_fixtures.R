# gap_fixtures.R -- the independent oracle for `disparity gap` (StatsEngine's GapEstimator).
#
# What it makes (under Tests/StatsEngineTests/Fixtures/gap/):
#   twostage_na.csv  Fixtures/survey/twostage.csv with the region of every 9th row (rows
#                    5, 14, 23, ...) left empty: rows missing the group column belong to no
#                    group (they stay in the design, as svyby leaves them)
#   waves_indep.csv, waves_panel.csv
#                    two-wave data for the change-over-time cases (simulated, seeded; see
#                    "Change over time" below)
#   expected.csv     R survey's focal, reference, difference and ratio rows for each gap request
#                    (with a period also the baseline and change rows)
#
# The designs are those of oracle/survey_fixtures.R on its data sets in
# Tests/StatsEngineTests/Fixtures/survey/ (run that script first if they change):
#   strat_fpc    stratified, fpc = population size, weights w
#   cluster1_w   one-stage cluster sample (psu), weights w
#   twostage     strata, PSUs and SSUs with an fpc at both stages, weights w
#   nested       stratified clusters whose PSU ids repeat across strata (nest = TRUE)
#   twostage_na  twostage on twostage_na.csv (some regions missing)
# For each design, with reference Nord and focal Syd unless said otherwise:
#   mean of y (normal intervals; with the design df; and with no focal: every other level)
#   proportion of bin (0/1) in percentage points (scale 100)
#   proportion of cat = "pære" (scale 1)
#   ratio num / x
#   quantiles 0.5 and 0.25 of y, normal and R's default df (focal and reference rows only, see
#   below)
#
# How R computes them (na.rm: rows missing the variable or the denominator leave the groups;
# svyby's covmat = TRUE fails together with na.rm = TRUE in survey 4.1.1, so the design is first
# restricted to the rows that have them, which is what na.rm does inside svymean/svyratio; the
# estimates and SEs are checked against svyby(..., na.rm = TRUE) on the whole design):
#   b <- svyby(~y, ~region, des, svymean, covmat = TRUE)      (~bin, ~I(cat == "pære"),
#        svyratio with denominator = ~x likewise)
#   focal, reference   coef(b) and sqrt(diag(vcov(b)))
#   difference         svycontrast(b, c(focal = 1, reference = -1))
#   ratio              svycontrast(b, quote(focal / reference))  (delta method)
#   interval           estimate -/+ qnorm(0.975) SE, or qt(0.975, df) SE with df = degf of the
#                      design restricted to the rows of both groups that have the variable
#                      (degf(subset(des, region %in% c(focal, reference) & !is.na(y))))
#   scale 100          multiplies estimate, SE and bounds of focal, reference and difference
#                      (not the ratio)
#   quantile           R has no joint linearization of two domains' quantiles, so only the
#                      focal and reference rows are given: the estimate, Woodruff's interval
#                      and its SE from svyquantile(~y, des restricted to region == L and y
#                      present, q, ci = TRUE, df) (Woodruff, qrule "math"), which each of these
#                      rows shows as `estimate quantile` does: df = Inf for df = normal, and
#                      for df = auto R's default, the degf of those rows (checked equal to
#                      svyby(~y, ~region, des, svyquantile, ci = TRUE, na.rm = TRUE)), the
#                      interval's t df
#   n                  rows of the group with the variable (difference and ratio: both groups)
#
# Change over time (request period = wave, baseline 2021, current 2023), on waves_indep
# (independent waves: stratified cluster samples with fpc, no stratum or PSU in both waves) and
# waves_panel (the same strata, PSUs and persons in both waves, nest = TRUE): mean of y (normal
# and design df; every other level), proportions of bin (pp), num (pp) and cat = "pære", ratio
# num / x; and with a subset (bin == 1; bin == 1 & cat != "æble").
#   b <- svyby(~y, ~interaction(region, wave), des restricted as above, svymean, covmat = TRUE)
#                      one joint covariance of all region x wave cells (svyratio likewise)
#   focal, reference, difference, ratio        the current wave, as above
#   baseline focal, reference, difference      the same in the baseline wave
#   change focal, change reference             current - baseline
#   change difference                          (focal - reference) now - at the baseline
#                      all by svycontrast(b, list(...)); the ratio by svycontrast(b, quote(f/r))
#   subset             des restricted by subset(des, bin == 1): survey.design2's `[` keeps each
#                      stratum's PSU count (fpc$sampsize), so the design stays whole, as in the
#                      engine; checked equal to svyby over region x wave x domain on the whole
#                      design
#   df = design        degf of the design restricted to the rows of all four cells
#   n                  rows of the cells a row uses (change difference: all four)
# Checked here: the svyby covariance equals the covariance of the cells' influence totals
# (svytotal of z_c = 1{c}(y - theta_c x) / sum_c(w x) on the whole design); for waves_indep the
# covariance between the waves is zero; for waves_panel it moves the SE of the change focal
# by more than 5 % from the independent-waves value sqrt(v_now + v_baseline).
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/gap_fixtures.R
# Deterministic. Tests/StatsEngineTests/GapOracleTests.swift checks the engine against
# expected.csv.
#
# Columns of expected.csv:
#   case                              id of one gap request (one engine call)
#   data                              data set (without .csv; in Fixtures/gap or Fixtures/survey)
#   weights,strata,cluster,fpc,nest   the design, as disparity's options name it
#   statistic,variable,denominator,category,q,scale,df
#                                     the request; df is normal or design
#   reference,focal                   the request's levels (focal empty: every other level)
#   period,baseline,current           the wave column and its baseline and current values
#                                     (empty: no period)
#   subset                            the request's domain, as the engine parses it and R
#                                     evaluates it (empty: none)
#   level                             the focal level the row belongs to
#   component                         focal, reference, difference or ratio; with a period also
#                                     baseline focal, baseline reference, baseline difference,
#                                     change focal, change reference, change difference
#   estimate,std_error,conf_low,conf_high
#   df_value                          the t df of the interval (empty: normal)
#   n                                 the rows counted

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/gap_fixtures.R")
survey_dir <- file.path("Tests", "StatsEngineTests", "Fixtures", "survey")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "gap")
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

PEAR <- "p\u00e6re"   # pære
read_set <- function(path) {
  read.csv(path, na.strings = "", stringsAsFactors = FALSE, fileEncoding = "UTF-8",
           encoding = "UTF-8")
}

data <- list()
for (name in c("strat_fpc", "cluster1", "twostage", "nested")) {
  data[[name]] <- read_set(file.path(survey_dir, paste0(name, ".csv")))
}

# twostage with some regions missing; written, then read back (R analyses what the engine reads).
raw <- read.csv(file.path(survey_dir, "twostage.csv"), na.strings = "", stringsAsFactors = FALSE,
                fileEncoding = "UTF-8", encoding = "UTF-8", check.names = FALSE)
raw$region[seq(5, nrow(raw), by = 9)] <- NA
write.csv(raw, file.path(outdir, "twostage_na.csv"), row.names = FALSE, na = "", fileEncoding = "UTF-8")
data$twostage_na <- read_set(file.path(outdir, "twostage_na.csv"))
stopifnot(sum(is.na(data$twostage_na$region)) == length(seq(5, nrow(raw), by = 9)),
          all(sapply(c("Nord", "Syd"), function(L) any(is.na(data$twostage_na$region) &
                                                           data$twostage$region == L))))

designs <- list(
  list(id = "strat_fpc", data = "strat_fpc", weights = "w", strata = "stratum", cluster = "",
       fpc = "fpc", nest = FALSE),
  list(id = "cluster1_w", data = "cluster1", weights = "w", strata = "", cluster = "psu",
       fpc = "", nest = FALSE),
  list(id = "twostage", data = "twostage", weights = "w", strata = "stratum", cluster = "psu,ssu",
       fpc = "fpc1,fpc2", nest = FALSE),
  list(id = "nested", data = "nested", weights = "w", strata = "stratum", cluster = "psu",
       fpc = "", nest = TRUE),
  list(id = "twostage_na", data = "twostage_na", weights = "w", strata = "stratum",
       cluster = "psu,ssu", fpc = "fpc1,fpc2", nest = FALSE)
)

source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "common.R"))

# ---------------------------------------------------------------------------------------------
# Output rows

fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "", sprintf("%.17g", v))
}

rows <- list()
emit <- function(case, spec, r, level, component, estimate, se, crit, dfv, n,
                 low = estimate - crit * se, high = estimate + crit * se) {
  stopifnot(is.finite(estimate), is.finite(se), se > 0)
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, data = spec$data, weights = spec$weights, strata = spec$strata,
    cluster = spec$cluster, fpc = spec$fpc, nest = if (spec$nest) "TRUE" else "FALSE",
    statistic = r$statistic, variable = r$variable, denominator = r$denominator,
    category = r$category, q = if (is.na(r$q)) "" else format(r$q), scale = format(r$scale),
    df = r$df, reference = r$reference, focal = r$focal, period = r$period, baseline = r$baseline,
    current = r$current, subset = r$subset, level = level, component = component,
    estimate = fmt(estimate), std_error = fmt(se), conf_low = fmt(low),
    conf_high = fmt(high), df_value = fmt(dfv), n = as.character(n),
    stringsAsFactors = FALSE)
}

# Equal to 1e-10 relative.
same <- function(a, b) {
  stopifnot(length(a) == length(b), isTRUE(all.equal(as.numeric(a), as.numeric(b), tolerance = 1e-10)))
}

z975 <- qnorm(0.975)

request <- function(statistic, variable, denominator = "", category = "", q = NA, scale = 1,
                    df = "normal", reference = "Nord", focal = "Syd", period = "", baseline = "",
                    current = "", subset = "") {
  list(statistic = statistic, variable = variable, denominator = denominator, category = category,
       q = q, scale = scale, df = df, reference = reference, focal = focal, period = period,
       baseline = baseline, current = current, subset = subset)
}

case_id <- function(spec, r) {
  what <- switch(r$statistic,
                 ratio = paste0(r$variable, "/", r$denominator),
                 proportion = if (r$category != "") paste0(r$variable, "=", r$category) else r$variable,
                 r$variable)
  paste(c(spec$id, r$statistic, what, if (!is.na(r$q)) paste0("q=", r$q),
          paste0("scale=", r$scale), paste0("df=", r$df),
          paste0(if (r$focal == "") "all" else r$focal, "-vs-", r$reference),
          if (r$period != "") paste0(r$period, "=", r$baseline, "->", r$current),
          if (r$subset != "") paste0("subset=", r$subset)), collapse = "/")
}

# Mean, proportion, ratio: both domains from one svyby with covmat, difference and ratio by
# svycontrast.
linear_case <- function(spec, des, r) {
  d <- data[[spec$data]]
  case <- case_id(spec, r)
  columns <- c(r$variable, if (r$denominator != "") r$denominator)
  keep <- Reduce(`&`, lapply(columns, function(v) !is.na(d[[v]])))
  dk <- des[keep, ]
  if (r$statistic == "ratio") {
    b <- svyby(formula_of(r$variable), ~region, dk, svyratio, denominator = formula_of(r$denominator),
               covmat = TRUE)
    check <- svyby(formula_of(r$variable), ~region, des, svyratio,
                   denominator = formula_of(r$denominator), na.rm = TRUE)
    name <- function(L) L
  } else {
    if (r$statistic == "proportion" && r$category != "") {
      fm <- eval(bquote(~I(.(as.name(r$variable)) == .(r$category))))
      suffix <- paste0(":", deparse(fm[[2]]), "TRUE")
    } else {
      if (r$statistic == "proportion") stopifnot(all(d[[r$variable]][keep] %in% c(0, 1)))
      fm <- formula_of(r$variable)
      suffix <- ""
    }
    b <- svyby(fm, ~region, dk, svymean, covmat = TRUE)
    check <- svyby(fm, ~region, des, svymean, na.rm = TRUE)
    name <- function(L) paste0(L, suffix)
  }
  # the restricted design gives svyby(..., na.rm = TRUE)'s numbers
  same(coef(b), coef(check)); same(unlist(SE(b)), unlist(SE(check)))
  stopifnot(setequal(names(coef(check)), names(coef(b))))
  same(sqrt(diag(vcov(b))), unlist(SE(b)))

  levels <- sort(unique(na.omit(d$region)))
  focals <- if (r$focal == "") setdiff(levels, r$reference) else r$focal
  ref <- r$reference
  nr <- sum(keep & d$region %in% ref)
  for (f in focals) {
    nf <- sum(keep & d$region %in% f)
    stopifnot(name(f) %in% names(coef(b)), name(ref) %in% names(coef(b)))
    V <- vcov(b)
    est_f <- coef(b)[[name(f)]]
    est_r <- coef(b)[[name(ref)]]
    se_f <- sqrt(V[name(f), name(f)])
    se_r <- sqrt(V[name(ref), name(ref)])
    diff <- svycontrast(b, setNames(c(1, -1), c(name(f), name(ref))))
    rat <- svycontrast(b, bquote(.(as.name(name(f))) / .(as.name(name(ref)))))
    same(coef(diff), est_f - est_r); same(coef(rat), est_f / est_r)
    if (r$df == "design") {
      dfv <- degf(des[keep & d$region %in% c(f, ref), ])
      crit <- qt(0.975, dfv)
      same(confint(diff, df = dfv), coef(diff)[[1]] + c(-1, 1) * crit * SE(diff)[[1]])
    } else {
      dfv <- NA
      crit <- z975
      same(confint(diff), coef(diff)[[1]] + c(-1, 1) * crit * SE(diff)[[1]])
    }
    s <- r$scale
    # Each row's df is that of the rows of its own cells (docs/statistics.md's df policy).
    own <- function(L) if (r$df == "design") degf(des[keep & d$region %in% L, ]) else NA
    crit_of <- function(dfv) if (is.na(dfv)) z975 else qt(0.975, dfv)
    emit(case, spec, r, f, "focal", s * est_f, s * se_f, crit_of(own(f)), own(f), nf)
    emit(case, spec, r, f, "reference", s * est_r, s * se_r, crit_of(own(ref)), own(ref), nr)
    emit(case, spec, r, f, "difference", s * coef(diff)[[1]], s * SE(diff)[[1]], crit, dfv, nf + nr)
    emit(case, spec, r, f, "ratio", coef(rat)[[1]], SE(rat)[[1]], crit, dfv, nf + nr)
  }
}

# Quantiles: the focal and reference rows only, from svyquantile on each domain: its Woodruff
# interval, SE and df, as `estimate quantile` gives them.
quantile_case <- function(spec, des, r) {
  stopifnot(r$focal != "", r$df %in% c("normal", "auto"), r$scale == 1)
  d <- data[[spec$data]]
  case <- case_id(spec, r)
  if (r$df == "auto") {
    by <- svyby(formula_of(r$variable), ~region, des, svyquantile, quantiles = r$q, ci = TRUE,
                na.rm = TRUE, vartype = c("se", "ci"))
  }
  for (component in c("focal", "reference")) {
    L <- if (component == "focal") r$focal else r$reference
    dom <- des[d$region %in% L & !is.na(d[[r$variable]]), ]
    dfv <- if (r$df == "normal") NA else degf(dom)
    res <- svyquantile(formula_of(r$variable), dom, quantiles = r$q, ci = TRUE,
                       df = if (is.na(dfv)) Inf else dfv)[[1]]
    est <- res[1, 1]
    se <- res[1, 4]
    crit <- if (is.na(dfv)) z975 else qt(0.975, dfv)
    stopifnot(is.finite(res[1, 2]), is.finite(res[1, 3]),
              abs(se - (res[1, 3] - res[1, 2]) / (2 * crit)) <= 1e-12 * se)
    if (r$df == "auto") {
      # svyby's default: the same estimate, SE and interval
      at <- which(by$region == L)
      same(c(by[at, 2], SE(by)[at], by[at, "ci_l"], by[at, "ci_u"]), c(est, se, res[1, 2], res[1, 3]))
    }
    n <- sum(d$region %in% L & !is.na(d[[r$variable]]))
    emit(case, spec, r, r$focal, component, est, se, crit, dfv, n, low = res[1, 2], high = res[1, 3])
  }
}

# ---------------------------------------------------------------------------------------------
# Cases

for (spec in designs) {
  des <- build_design(spec)
  linear_case(spec, des, request("mean", "y"))
  linear_case(spec, des, request("mean", "y", df = "design"))
  linear_case(spec, des, request("mean", "y", focal = ""))
  linear_case(spec, des, request("proportion", "bin", scale = 100))
  linear_case(spec, des, request("proportion", "cat", category = PEAR))
  linear_case(spec, des, request("ratio", "num", denominator = "x"))
  for (q in c(0.5, 0.25)) quantile_case(spec, des, request("quantile", "y", q = q))
  for (q in c(0.5, 0.25)) quantile_case(spec, des, request("quantile", "y", q = q, df = "auto"))
}


# ---------------------------------------------------------------------------------------------
# Change over time: two waves (request period = wave, baseline 2021, current 2023)
#
# Data, simulated here (seeded) and written to Fixtures/gap, then read back:
#   waves_indep.csv  two independent samples: a stratified one-stage cluster sample per wave,
#                    strata 1-3 and PSUs 1-... in 2021, strata 4-6 and PSUs 101-... in 2023
#                    (no stratum or PSU in both waves), fpc = population PSUs per stratum
#   waves_panel.csv  a panel: the same strata (1-4), PSUs (ids 1.. within each stratum,
#                    nest = TRUE) and persons (same region, cat, x) in both waves, with new y
#                    (y2021 + a change that varies by region, PSU and person), bin (15 % flipped),
#                    num, weights (w2021 x 0.9-1.1) and missing values in 2023
# Columns: wave, stratum, psu, fpc (waves_indep only), w, y, bin, cat, x, num, region.

OST <- "\u00d8st"   # Øst
APPLE <- "\u00e6ble"  # æble
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

# One wave of a stratified cluster sample. `shift` moves y (and bin, num) by region.
simulate_wave <- function(seed, strata, first_psu, nest_ids, shift) {
  set.seed(seed)
  out <- list()
  next_psu <- first_psu
  for (h in strata) {
    m <- sample(5:7, 1)
    M <- m * sample(3:6, 1)
    for (j in seq_len(m)) {
      k <- sample(5:9, 1)
      id <- if (nest_ids) j else next_psu
      next_psu <- next_psu + 1
      u <- rnorm(1, 0, 4)
      region <- sample(c("Nord", "Syd", OST), k, replace = TRUE, prob = c(0.36, 0.36, 0.28))
      s <- unname(shift[region])
      x <- round(runif(k, 1, 10), 2)
      out[[length(out) + 1]] <- data.frame(
        stratum = h, psu = id, fpc = M, w = round(M / m * runif(1, 2, 4) * runif(k, 0.8, 1.25), 3),
        y = round(50 + s + u + rnorm(k, 0, 9), 2),
        bin = rbinom(k, 1, plogis(0.1 + 0.08 * u + 0.1 * s)),
        cat = sample(c(APPLE, PEAR, "blomme"), k, replace = TRUE, prob = c(0.4, 0.35, 0.25)),
        x = x, num = rbinom(k, 1, plogis(-0.9 + 0.12 * x + 0.05 * s)), region = region,
        stringsAsFactors = FALSE)
    }
  }
  do.call(rbind, out)
}

with_missing <- function(d, seed) {
  set.seed(seed)
  d$y[runif(nrow(d)) < 0.07] <- NA
  d$bin[runif(nrow(d)) < 0.03] <- NA
  d$cat[runif(nrow(d)) < 0.04] <- NA
  d
}

columns_of <- function(d, fpc) d[, c("wave", "stratum", "psu", if (fpc) "fpc", "w", "y", "bin", "cat", "x", "num", "region")]

a <- simulate_wave(101, 1:3, 1, FALSE, c(Nord = 0, Syd = -3, "\u00d8st" = 2))
b <- simulate_wave(202, 4:6, 101, FALSE, c(Nord = 1, Syd = 2, "\u00d8st" = 0))
a$wave <- 2021
b$wave <- 2023
indep <- rbind(columns_of(with_missing(a, 11), TRUE), columns_of(with_missing(b, 22), TRUE))

p1 <- simulate_wave(303, 1:4, 1, TRUE, c(Nord = 0, Syd = -4, "\u00d8st" = 1))
p1$wave <- 2021
p2 <- p1
set.seed(404)
psu_change <- rnorm(1000, 0, 2)[p2$stratum * 10 + p2$psu]
p2$y <- round(p1$y + 1 + c(Nord = 0, Syd = 3, "\u00d8st" = -1)[p1$region] + psu_change +
                rnorm(nrow(p1), 0, 4), 2)
flip <- runif(nrow(p1)) < 0.15
p2$bin[flip] <- 1 - p1$bin[flip]
flip <- runif(nrow(p1)) < 0.2
p2$num[flip] <- 1 - p1$num[flip]
p2$w <- round(p1$w * runif(nrow(p1), 0.9, 1.1), 3)
p2$wave <- 2023
panel <- rbind(columns_of(with_missing(p1, 33), FALSE), columns_of(with_missing(p2, 44), FALSE))

for (name in c("waves_indep", "waves_panel")) {
  write.csv(if (name == "waves_indep") indep else panel, file.path(outdir, paste0(name, ".csv")),
            row.names = FALSE, na = "", fileEncoding = "UTF-8")
  data[[name]] <- read_set(file.path(outdir, paste0(name, ".csv")))
}
# independent: no stratum and no PSU in both waves; panel: every PSU in both waves
with(data$waves_indep, stopifnot(!any(stratum[wave == 2021] %in% stratum[wave == 2023]),
                                 !any(psu[wave == 2021] %in% psu[wave == 2023])))
with(data$waves_panel, stopifnot(setequal(paste(stratum, psu)[wave == 2021], paste(stratum, psu)[wave == 2023]),
                                 all(table(stratum, psu)[table(stratum, psu) > 0] %% 2 == 0)))

period_designs <- list(
  list(id = "waves_indep", data = "waves_indep", weights = "w", strata = "stratum", cluster = "psu",
       fpc = "fpc", nest = FALSE),
  list(id = "waves_panel", data = "waves_panel", weights = "w", strata = "stratum", cluster = "psu",
       fpc = "", nest = TRUE)
)

PERIOD_ROWS <- c("focal", "reference", "difference", "baseline focal", "baseline reference",
                 "baseline difference", "change focal", "change reference", "change difference")

# The rows of the domain a subset (written so that R parses it as the engine does) keeps;
# missing values are outside.
domain_of <- function(d, subset) {
  if (subset == "") return(rep(TRUE, nrow(d)))
  r <- eval(parse(text = subset)[[1]], d)
  r & !is.na(r)
}

# Mean, proportion, ratio with a period: the four cells (focal and reference, current and
# baseline) from one svyby over region x wave with covmat, every row by svycontrast.
period_case <- function(spec, des, r, cross_wave) {
  stopifnot(r$period == "wave", r$statistic %in% c("mean", "proportion", "ratio"))
  d <- data[[spec$data]]
  case <- case_id(spec, r)
  columns <- c(r$variable, if (r$denominator != "") r$denominator)
  dom <- domain_of(d, r$subset)
  keep <- Reduce(`&`, lapply(columns, function(v) !is.na(d[[v]]))) & dom
  # the domain: subset() keeps the design's strata and PSU counts (survey.design2's `[` keeps
  # fpc$sampsize), i.e. the design stays whole, which is what the engine does
  ddom <- if (r$subset == "") des else eval(bquote(subset(des, .(parse(text = r$subset)[[1]]))))
  dk <- des[keep, ]
  by <- ~interaction(region, wave)
  if (r$statistic == "ratio") {
    b <- svyby(formula_of(r$variable), by, dk, svyratio, denominator = formula_of(r$denominator),
               covmat = TRUE)
    check <- svyby(formula_of(r$variable), by, ddom, svyratio,
                   denominator = formula_of(r$denominator), na.rm = TRUE)
    yv <- d[[r$variable]]
    xv <- d[[r$denominator]]
    name <- function(L, W) paste0(L, ".", W)
  } else {
    if (r$statistic == "proportion" && r$category != "") {
      fm <- eval(bquote(~I(.(as.name(r$variable)) == .(r$category))))
      suffix <- paste0(":", deparse(fm[[2]]), "TRUE")
      yv <- as.numeric(d[[r$variable]] == r$category)
    } else {
      if (r$statistic == "proportion") stopifnot(all(d[[r$variable]][keep] %in% c(0, 1)))
      fm <- formula_of(r$variable)
      suffix <- ""
      yv <- d[[r$variable]]
    }
    b <- svyby(fm, by, dk, svymean, covmat = TRUE)
    check <- svyby(fm, by, ddom, svymean, na.rm = TRUE)
    xv <- rep(1, nrow(d))
    name <- function(L, W) paste0(L, ".", W, suffix)
  }
  same(coef(b), coef(check)); same(unlist(SE(b)), unlist(SE(check)))
  same(sqrt(diag(vcov(b))), unlist(SE(b)))

  # svyby's joint covariance recomputed from the cells' influence values on the whole design:
  # z_c = 1{row in cell c} (y - theta_c x) / sum_c(w x), their totals' covariance
  cells <- expand.grid(region = sort(unique(d$region)), wave = c(r$baseline, r$current),
                       stringsAsFactors = FALSE)
  cells$name <- name(cells$region, cells$wave)
  stopifnot(all(cells$name %in% names(coef(b))),
            length(coef(b)) == nrow(cells) * (if (r$category != "") 2 else 1))
  zdes <- des
  w <- weights(des, "sampling")
  for (i in seq_len(nrow(cells))) {
    inside <- keep & d$region == cells$region[i] & d$wave == cells$wave[i]
    theta <- sum(w[inside] * yv[inside]) / sum(w[inside] * xv[inside])
    same(theta, coef(b)[[cells$name[i]]])
    zdes$variables[[paste0("z", i)]] <- ifelse(inside, (yv - theta * xv) / sum(w[inside] * xv[inside]), 0)
  }
  V <- vcov(svytotal(as.formula(paste("~", paste0("z", seq_len(nrow(cells)), collapse = " + "))), zdes))
  dimnames(V) <- list(cells$name, cells$name)
  stopifnot(isTRUE(all.equal(V, as.matrix(vcov(b))[cells$name, cells$name], tolerance = 1e-9)))

  # the domain: svyby on subset(des, ...) equals svyby over region x wave x domain on the whole
  # design
  if (r$subset != "") {
    dvar <- dom
    full <- update(des, .dom = dvar)
    keepf <- Reduce(`&`, lapply(columns, function(v) !is.na(d[[v]])))
    bf <- if (r$statistic == "ratio") {
      svyby(formula_of(r$variable), ~interaction(region, wave, .dom), full[keepf, ], svyratio,
            denominator = formula_of(r$denominator), covmat = TRUE)
    } else {
      svyby(fm, ~interaction(region, wave, .dom), full[keepf, ], svymean, covmat = TRUE)
    }
    inner <- if (r$statistic == "ratio") paste0(cells$name, ".TRUE") else
      paste0(cells$region, ".", cells$wave, ".TRUE", suffix)
    same(coef(bf)[inner], coef(b)[cells$name])
    same(as.matrix(vcov(bf))[inner, inner], as.matrix(vcov(b))[cells$name, cells$name])
  }

  levels <- sort(unique(na.omit(d$region)))
  focals <- if (r$focal == "") setdiff(levels, r$reference) else r$focal
  ref <- r$reference
  count <- function(L, W) sum(keep & d$region %in% L & d$wave %in% W)
  for (f in focals) {
    cf <- name(f, r$current); cr <- name(ref, r$current)
    bf0 <- name(f, r$baseline); br <- name(ref, r$baseline)
    K <- list(c(1, 0, 0, 0), c(0, 1, 0, 0), c(1, -1, 0, 0), c(0, 0, 1, 0), c(0, 0, 0, 1),
              c(0, 0, 1, -1), c(1, 0, -1, 0), c(0, 1, 0, -1), c(1, -1, -1, 1))
    names(K) <- PERIOD_ROWS
    K <- lapply(K, function(k) setNames(k, c(cf, cr, bf0, br)))
    con <- svycontrast(b, K)
    rat <- svycontrast(b, bquote(.(as.name(cf)) / .(as.name(cr))))
    est <- coef(b)[c(cf, cr, bf0, br)]
    same(coef(con), c(est[1], est[2], est[1] - est[2], est[3], est[4], est[3] - est[4],
                      est[1] - est[3], est[2] - est[4], est[1] - est[2] - est[3] + est[4]))
    same(coef(rat), est[1] / est[2])
    Vb <- as.matrix(vcov(b))
    cov_fw <- Vb[cf, bf0]
    if (cross_wave == "none") {
      # independent waves: no covariance between the waves
      stopifnot(abs(cov_fw) <= 1e-12 * sqrt(Vb[cf, cf] * Vb[bf0, bf0]),
                abs(Vb[cr, br]) <= 1e-12 * sqrt(Vb[cr, cr] * Vb[br, br]))
    } else {
      # a panel: the covariance between the waves is a material part of the change's SE
      se_change <- SE(con)[["change focal"]]
      se_indep <- sqrt(Vb[cf, cf] + Vb[bf0, bf0])
      stopifnot(abs(se_change / se_indep - 1) > 0.05)
    }
    # Each row's df is that of the rows of its own cells (docs/statistics.md's df policy):
    # cells 1-4 are (focal, current), (reference, current), (focal, baseline), (reference, baseline).
    cell_rows <- list(keep & d$region %in% f & d$wave %in% r$current, keep & d$region %in% ref & d$wave %in% r$current,
                      keep & d$region %in% f & d$wave %in% r$baseline, keep & d$region %in% ref & d$wave %in% r$baseline)
    row_cells <- list(1, 2, 1:2, 3, 4, 3:4, c(1, 3), c(2, 4), 1:4)
    df_of <- function(cells) if (r$df == "design") degf(des[Reduce(`|`, cell_rows[cells]), ]) else NA
    crit_of <- function(dfv) if (is.na(dfv)) z975 else qt(0.975, dfv)
    s <- r$scale
    n <- c(count(f, r$current), count(ref, r$current), count(f, r$baseline), count(ref, r$baseline))
    ns <- c(n[1], n[2], n[1] + n[2], n[3], n[4], n[3] + n[4], n[1] + n[3], n[2] + n[4], sum(n))
    for (k in 1:3) {
      dfv <- df_of(row_cells[[k]])
      emit(case, spec, r, f, PERIOD_ROWS[k], s * coef(con)[[k]], s * SE(con)[[k]], crit_of(dfv), dfv, ns[k])
    }
    emit(case, spec, r, f, "ratio", coef(rat)[[1]], SE(rat)[[1]], crit_of(df_of(1:2)), df_of(1:2), n[1] + n[2])
    for (k in 4:9) {
      dfv <- df_of(row_cells[[k]])
      emit(case, spec, r, f, PERIOD_ROWS[k], s * coef(con)[[k]], s * SE(con)[[k]], crit_of(dfv), dfv, ns[k])
    }
  }
}

wave_request <- function(...) request(..., period = "wave", baseline = "2021", current = "2023")

des <- build_design(period_designs[[1]])
for (domain in c("", "bin == 1")) {
  period_case(period_designs[[1]], des, wave_request("mean", "y", subset = domain), "none")
  period_case(period_designs[[1]], des, wave_request("mean", "y", df = "design", subset = domain), "none")
  if (domain == "") period_case(period_designs[[1]], des, wave_request("proportion", "bin", scale = 100), "none")
  period_case(period_designs[[1]], des, wave_request("proportion", "num", scale = 100, subset = domain), "none")
  period_case(period_designs[[1]], des, wave_request("proportion", "cat", category = PEAR, subset = domain), "none")
  period_case(period_designs[[1]], des, wave_request("ratio", "num", denominator = "x", subset = domain), "none")
}
period_case(period_designs[[1]], des, wave_request("mean", "y", focal = "", subset = paste0("bin == 1 & cat != \"", APPLE, "\"")), "none")

des <- build_design(period_designs[[2]])
period_case(period_designs[[2]], des, wave_request("mean", "y"), "panel")
period_case(period_designs[[2]], des, wave_request("mean", "y", df = "design"), "panel")
period_case(period_designs[[2]], des, wave_request("mean", "y", focal = ""), "panel")
period_case(period_designs[[2]], des, wave_request("proportion", "bin", scale = 100), "panel")
period_case(period_designs[[2]], des, wave_request("proportion", "cat", category = PEAR), "panel")
period_case(period_designs[[2]], des, wave_request("ratio", "num", denominator = "x"), "panel")
period_case(period_designs[[2]], des, wave_request("mean", "y", subset = "bin == 1"), "panel")

expected <- do.call(rbind, rows)
stopifnot(!any(duplicated(expected[, c("case", "level", "component")])),
          all(expected$estimate != ""), all(expected$std_error != ""))
write.csv(expected, file.path(outdir, "expected.csv"), row.names = FALSE, na = "",
          fileEncoding = "UTF-8")
cat("wrote", nrow(expected), "expected rows in", length(unique(expected$case)), "cases to",
    outdir, "\n")
