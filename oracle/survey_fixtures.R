# survey_fixtures.R -- the independent oracle for disparity's survey estimates.
#
# What it makes (all under Tests/StatsEngineTests/Fixtures/survey/):
#   strat_fpc.csv  stratified sample, 4 strata, each row its own PSU, fpc = population size
#                  per stratum, unequal weights `w`
#   cluster1.csv   one-stage cluster sample, 25 PSUs (`psu`), no strata; analysed both without
#                  weights (R's equal-probability default) and with the weights `w`
#   twostage.csv   3 strata, PSUs (`psu`) and second-stage units (`ssu`), fpc at both stages
#                  (`fpc1` = population PSUs per stratum, `fpc2` = population SSUs per PSU),
#                  weights `w` consistent with the fpcs
#   nested.csv     stratified cluster sample whose PSU ids repeat across strata (nest = TRUE),
#                  no fpc; region "\u00d8st" occurs in only one of the 4 PSUs of stratum 2
#                  (a lonely PSU within a domain) and not at all in stratum 3
#   lonely.csv     stratified cluster sample, 5 strata with text labels, weights `w`, no fpc;
#                  strata "\u00c6r\u00f8" and "Bornholm" have exactly one PSU (lonely PSUs of the
#                  design itself), region \u00d8st does not occur in Bornholm. Analysed under the
#                  rules remove, certainty, adjust and average; under fail R stops (checked
#                  here) and SurveyOracleTests checks that the engine does too
#   strat_frac.csv strat_fpc.csv with fpc given as the sampling fraction n_h/N_h (all <= 1);
#                  its rows must equal strat_fpc's (checked here)
#   (twostage.csv is also analysed without weights, as case "twostage_nw": R then takes the
#    weights from the two fpcs)
#   expected.csv   R survey's estimates, standard errors, confidence intervals and interval
#                  degrees of freedom for each analysis, one row per (case, group, category)
# Every data set has: y (numeric, ~8% missing), bin (0/1, a few missing), cat (3 text levels,
# two with Danish letters, ~5% missing), x (positive denominator), num (0/1 numerator) and
# region (3 text levels).
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/survey_fixtures.R
# The output is deterministic (fixed seed and RNG kinds). The numbers in expected.csv are
# computed from the CSV files as read back, i.e. from exactly the values the engine parses.
# Tests/StatsEngineTests/SurveyOracleTests.swift checks the engine against expected.csv.
#
# Columns of expected.csv:
#   case                     id of one analysis (one engine request)
#   data                     data set name (without .csv)
#   weights,strata,cluster,fpc,nest,lonely,adjust_domain_lonely
#                            the design, as disparity's options name it
#   statistic,variable,by,q,denominator,ci_method,df
#                            the request; df is the interval option: auto (each statistic's
#                            default: normal for mean/total/sd/ratio/wald proportions, the design
#                            df for quantiles and logit/Korn-Graubard proportions) or design
#   group,category           the by level (empty without by) and the proportion's level
#   estimate,std_error,conf_low,conf_high
#   df_value                 the df R used for the interval (empty: normal)
#   deff                     R's design effect (deff = TRUE of svymean, svytotal, svyratio, svymean of
#                            factor(variable) for Wald proportions, svyby with deff = TRUE by
#                            domain); empty for other statistics and where R's is not finite
#                            (unweighted cluster1: sum of weights = n, so R's deff is Inf)

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20240611)

outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "survey")
if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/survey_fixtures.R")
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

CAT_LEVELS <- c("\u00e6ble", "p\u00e6re", "blomme")   # æble, pære, blomme
REGIONS <- c("Nord", "Syd", "\u00d8st")               # Nord, Syd, Øst
OST <- REGIONS[3]

# ---------------------------------------------------------------------------------------------
# Data

# The analysis variables for n rows; `shift` moves y by PSU or stratum effects.
variables <- function(n, shift = 0, region = NULL) {
  y <- round(50 + shift + rnorm(n, 0, 10), 2)
  y[runif(n) < 0.08] <- NA
  bin <- as.integer(runif(n) < plogis((shift) / 10 - 0.3))
  bin[runif(n) < 0.03] <- NA
  cat <- sample(CAT_LEVELS, n, replace = TRUE, prob = c(0.45, 0.35, 0.20))
  cat[runif(n) < 0.05] <- NA
  x <- round(runif(n, 1, 10), 2)
  num <- as.integer(runif(n) < 0.4)
  if (is.null(region)) region <- sample(REGIONS, n, replace = TRUE, prob = c(0.4, 0.35, 0.25))
  data.frame(y = y, bin = bin, cat = cat, x = x, num = num, region = region,
             stringsAsFactors = FALSE)
}

# Stratified, each row a PSU; fpc = population size of the stratum.
make_strat_fpc <- function() {
  n_h <- c(60, 75, 80, 85)
  N_h <- c(400, 300, 1000, 250)
  parts <- lapply(seq_along(n_h), function(h) {
    v <- variables(n_h[h], shift = 4 * h)
    data.frame(stratum = h, fpc = N_h[h],
               w = round(N_h[h] / n_h[h] * runif(n_h[h], 0.8, 1.2), 4), v)
  })
  do.call(rbind, parts)
}

# One-stage cluster sample, 25 PSUs of 6 to 16 rows.
make_cluster1 <- function() {
  sizes <- sample(6:16, 25, replace = TRUE)
  parts <- lapply(seq_along(sizes), function(i) {
    v <- variables(sizes[i], shift = rnorm(1, 0, 5))
    data.frame(psu = i, w = round(runif(sizes[i], 5, 15), 3), v)
  })
  do.call(rbind, parts)
}

# Two stages: strata of PSUs, PSUs of SSUs (2 to 4 sampled), SSUs of 3 to 6 rows (all taken).
make_twostage <- function() {
  n_h <- c(5, 4, 5)
  N_h <- c(20, 12, 30)
  parts <- list()
  psu_id <- 0
  ssu_id <- 0
  for (h in seq_along(n_h)) {
    for (i in seq_len(n_h[h])) {
      psu_id <- psu_id + 1
      m <- sample(2:4, 1)
      M <- m + sample(1:8, 1)
      psu_shift <- 3 * h + rnorm(1, 0, 4)
      for (j in seq_len(m)) {
        ssu_id <- ssu_id + 1
        k <- sample(3:6, 1)
        v <- variables(k, shift = psu_shift + rnorm(1, 0, 3))
        parts[[length(parts) + 1]] <- data.frame(
          stratum = h, psu = psu_id, ssu = ssu_id, fpc1 = N_h[h], fpc2 = M,
          w = (N_h[h] / n_h[h]) * (M / m), v)
      }
    }
  }
  do.call(rbind, parts)
}

# Stratified clusters, PSU ids 1..k within each stratum; no fpc. Stratum 2 has 4 PSUs and
# region Øst only in its PSU 1; stratum 3 has no Øst at all.
make_nested <- function() {
  k_h <- c(3, 4, 3, 5)
  parts <- list()
  for (h in seq_along(k_h)) {
    for (i in seq_len(k_h[h])) {
      size <- sample(8:15, 1)
      region <- sample(REGIONS, size, replace = TRUE, prob = c(0.4, 0.35, 0.25))
      if (h == 2) {
        region <- sample(REGIONS[1:2], size, replace = TRUE)
        if (i == 1) region[1:3] <- OST
      }
      if (h == 3) region <- sample(REGIONS[1:2], size, replace = TRUE)
      v <- variables(size, shift = 2 * h + rnorm(1, 0, 5), region = region)
      parts[[length(parts) + 1]] <- data.frame(
        stratum = h, psu = i, w = round(runif(size, 10, 30), 2), v)
    }
  }
  do.call(rbind, parts)
}

# Stratified clusters with two strata of a single PSU each ("\u00c6r\u00f8" and "Bornholm":
# real lonely PSUs of the design, not of a domain), weights `w`, no fpc. PSU ids are unique
# across strata. Every region occurs in Ærø; region Øst does not occur in Bornholm, so that
# domain leaves one lonely stratum untouched.
LONELY_STRATA <- c("Fyn", "\u00c6r\u00f8", "Sj\u00e6lland", "Bornholm", "Jylland")
make_lonely <- function() {
  k_h <- c(4, 1, 3, 1, 5)
  parts <- list()
  psu_id <- 0
  for (h in seq_along(k_h)) {
    for (i in seq_len(k_h[h])) {
      psu_id <- psu_id + 1
      size <- sample(7:14, 1)
      region <- sample(REGIONS, size, replace = TRUE, prob = c(0.4, 0.35, 0.25))
      if (LONELY_STRATA[h] == "\u00c6r\u00f8") region[1:3] <- REGIONS
      if (LONELY_STRATA[h] == "Bornholm") region <- sample(REGIONS[1:2], size, replace = TRUE)
      v <- variables(size, shift = 3 * h + rnorm(1, 0, 5), region = region)
      parts[[length(parts) + 1]] <- data.frame(
        stratum = LONELY_STRATA[h], psu = psu_id, w = round(runif(size, 5, 25), 2), v)
    }
  }
  do.call(rbind, parts)
}

sets <- list(strat_fpc = make_strat_fpc(), cluster1 = make_cluster1(),
             twostage = make_twostage(), nested = make_nested())
# Generated after the others so that adding it left their random draws unchanged.
sets$lonely <- make_lonely()

# Write, then read back: R analyses exactly what the engine reads.
data <- list()
write_set <- function(name, d) {
  path <- file.path(outdir, paste0(name, ".csv"))
  write.csv(d, path, row.names = FALSE, na = "", fileEncoding = "UTF-8")
  data[[name]] <<- read.csv(path, na.strings = "", stringsAsFactors = FALSE,
                            fileEncoding = "UTF-8", encoding = "UTF-8")
  stopifnot(nrow(data[[name]]) == nrow(d))
}
for (name in names(sets)) write_set(name, sets[[name]])

# strat_fpc with the fpc given as the sampling fraction n_h / N_h (every value <= 1) instead
# of the population size; R (and the engine) must give the same numbers for both.
strat_frac <- data$strat_fpc
n_h <- table(strat_frac$stratum)
strat_frac$fpc <- as.numeric(n_h[as.character(strat_frac$stratum)]) / strat_frac$fpc
stopifnot(all(strat_frac$fpc <= 1))
write_set("strat_frac", strat_frac)
stopifnot(isTRUE(all.equal(data$strat_frac$fpc, strat_frac$fpc, tolerance = 1e-14)))

lonely_psus <- tapply(data$lonely$psu, data$lonely$stratum, function(p) length(unique(p)))
stopifnot(sum(lonely_psus == 1) == 2, all(lonely_psus[LONELY_STRATA[c(2, 4)]] == 1),
          setequal(unique(data$lonely$region[data$lonely$stratum == LONELY_STRATA[2]]), REGIONS),
          !any(data$lonely$stratum == "Bornholm" & data$lonely$region == OST))
stopifnot(all(table(data$nested$psu[data$nested$stratum == 2 & data$nested$region == OST]) > 0),
          length(unique(data$nested$psu[data$nested$stratum == 2 & data$nested$region == OST])) == 1,
          !any(data$nested$stratum == 3 & data$nested$region == OST))

# ---------------------------------------------------------------------------------------------
# Designs, as disparity's options name them and as R builds them

designs <- list(
  list(id = "strat_fpc", data = "strat_fpc", weights = "w", strata = "stratum", cluster = "",
       fpc = "fpc", nest = FALSE),
  list(id = "cluster1", data = "cluster1", weights = "", strata = "", cluster = "psu",
       fpc = "", nest = FALSE),
  list(id = "cluster1_w", data = "cluster1", weights = "w", strata = "", cluster = "psu",
       fpc = "", nest = FALSE),
  list(id = "twostage", data = "twostage", weights = "w", strata = "stratum", cluster = "psu,ssu",
       fpc = "fpc1,fpc2", nest = FALSE),
  list(id = "nested", data = "nested", weights = "w", strata = "stratum", cluster = "psu",
       fpc = "", nest = TRUE)
)

source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "common.R"))

# ---------------------------------------------------------------------------------------------
# Output rows

fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "", sprintf("%.17g", v))
}

# A design effect only where R gives a finite one: without weights (cluster1) the sum of the
# weights equals the sample size, so R's SRS variance (psum - nobs)/(psum nobs) is zero and its
# deff Inf; such rows, and every statistic R gives no deff for, leave the field empty.
fmt_deff <- function(v) {
  v <- as.numeric(v)
  ifelse(is.finite(v), sprintf("%.17g", v), "")
}

rows <- list()
emit <- function(case, spec, lonely, adl, statistic, variable, by, q, denominator, ci_method, df,
                 group, category, estimate, se, low, high, df_value, deff = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, data = spec$data, weights = spec$weights, strata = spec$strata,
    cluster = spec$cluster, fpc = spec$fpc, nest = if (spec$nest) "TRUE" else "FALSE",
    lonely = lonely, adjust_domain_lonely = if (adl) "TRUE" else "FALSE",
    statistic = statistic, variable = variable, by = by,
    q = if (is.na(q)) "" else format(q), denominator = denominator,
    ci_method = ci_method, df = df, group = group, category = category,
    estimate = fmt(estimate), std_error = fmt(se), conf_low = fmt(low), conf_high = fmt(high),
    df_value = fmt(df_value), deff = fmt_deff(deff), stringsAsFactors = FALSE)
}

z975 <- qnorm(0.975)

# The domains of a request: the whole design, or one subset per region level.
# The df policy (docs/statistics.md): a statistic's design df, and svyciprop's row count, are
# those of the rows that have the analysed variable, R's degf(subset(design, !is.na(y))); R's
# own svymean and svyciprop with na.rm = TRUE keep the df of the rows before NA removal (only
# svyquantile removes them first), so the rows are removed here before they are called.
present <- function(des, variable) des[!is.na(des$variables[[variable]]), ]

domains <- function(des, d, by) {
  if (by == "") return(list(list(group = "", des = des)))
  lapply(sort(unique(d[[by]])), function(L) {
    keep <- d[[by]] == L
    list(group = L, des = des[keep, ])      # what subset(des, region == L) does
  })
}

# Equal to 1e-10 relative; non-finite values (a deff of Inf) must be identical.
same <- function(a, b) {
  a <- as.numeric(a); b <- as.numeric(b)
  stopifnot(length(a) == length(b), identical(is.finite(a), is.finite(b)),
            all(a[!is.finite(a)] == b[!is.finite(b)] | (is.na(a[!is.finite(a)]) & is.na(b[!is.finite(b)]))))
  if (any(is.finite(a))) stopifnot(isTRUE(all.equal(a[is.finite(a)], b[is.finite(b)], tolerance = 1e-10)))
}

# The suffix that tells apart the cases of one design under different lonely-PSU rules (none
# for the default, so the ids of the original cases stay as they were).
lonely_suffix <- function(lonely) if (lonely == "fail") "" else paste0("/lonely=", lonely)

# Mean or total: svymean/svytotal, by domain through svyby; CI normal or with the design df;
# the design effect from deff = TRUE.
moment_case <- function(spec, des, lonely, adl, statistic, by, df) {
  d <- data[[spec$data]]
  f <- if (statistic == "mean") svymean else svytotal
  case <- paste(spec$id, statistic, "y", if (by == "") "all" else by, paste0("df=", df),
                paste0("lonely=", lonely, if (adl) "+domain" else ""), sep = "/")
  if (by == "") {
    m <- f(~y, des, na.rm = TRUE, deff = TRUE)
    dfv <- if (df == "design") degf(present(des, "y")) else NA
    ci <- if (df == "design") confint(m, df = dfv) else confint(m)
    emit(case, spec, lonely, adl, statistic, "y", by, NA, "", "", df, "", "",
         coef(m), SE(m), ci[1, 1], ci[1, 2], dfv, deff(m))
    return(invisible())
  }
  b <- svyby(~y, formula_of(by), des, f, na.rm = TRUE, deff = TRUE)
  for (dom in domains(des, d, by)) {
    L <- dom$group
    key <- which(as.character(b[[by]]) == L)
    stopifnot(length(key) == 1)
    dfv <- if (df == "design") degf(present(subset(des, region == L), "y")) else NA
    same(dfv, if (df == "design") degf(present(dom$des, "y")) else NA)
    ci <- if (df == "design") confint(b, df = dfv) else confint(b)
    # cross-check: the subset design gives the same numbers as svyby
    m <- f(~y, dom$des, na.rm = TRUE, deff = TRUE)
    same(coef(m), coef(b)[key]); same(SE(m), SE(b)[key]); same(deff(m), deff(b)[key])
    emit(case, spec, lonely, adl, statistic, "y", by, NA, "", "", df, L, "",
         coef(b)[key], SE(b)[key], ci[key, 1], ci[key, 2], dfv, deff(b)[key])
  }
}

sd_case <- function(spec, des, by) {
  d <- data[[spec$data]]
  case <- paste(spec$id, "sd", "y", if (by == "") "all" else by, "df=auto", sep = "/")
  for (dom in domains(des, d, by)) {
    v <- svyvar(~y, dom$des, na.rm = TRUE)
    est <- sqrt(coef(v)[[1]])
    se <- SE(v)[[1]] / (2 * est)
    emit(case, spec, "fail", FALSE, "sd", "y", by, NA, "", "", "auto", dom$group, "",
         est, se, est - z975 * se, est + z975 * se, NA)
  }
}

ratio_case <- function(spec, des, by, lonely = "fail") {
  d <- data[[spec$data]]
  case <- paste0(paste(spec$id, "ratio", "num/x", if (by == "") "all" else by, "df=auto", sep = "/"),
                 lonely_suffix(lonely))
  if (by != "") {
    b <- svyby(~num, formula_of(by), des, svyratio, denominator = ~x, na.rm = TRUE)
  }
  for (dom in domains(des, d, by)) {
    r <- svyratio(~num, ~x, dom$des, na.rm = TRUE, deff = TRUE)
    ci <- confint(r)
    if (by != "") {
      key <- which(as.character(b[[by]]) == dom$group)
      same(coef(r), coef(b)[key]); same(SE(r), SE(b)[key])
    }
    emit(case, spec, lonely, FALSE, "ratio", "num", by, NA, "x", "", "auto", dom$group, "",
         coef(r), SE(r), ci[1, 1], ci[1, 2], NA, attr(r, "deff")[1, 1])
  }
}

# Proportions of each level of `variable` (cat, or bin as the categories "0" and "1"). Wald
# rows carry the design effect of svymean(~factor(variable), deff = TRUE) (with by: svyby's,
# checked against the subset design's).
proportion_case <- function(spec, des, variable, by, method, df, lonely = "fail") {
  d <- data[[spec$data]]
  levels <- sort(unique(na.omit(d[[variable]])))
  case <- paste0(paste(spec$id, "proportion", variable, if (by == "") "all" else by,
                       paste0("ci=", method), paste0("df=", df), sep = "/"),
                 lonely_suffix(lonely))
  fm <- as.formula(paste0("~factor(", variable, ")"))
  prefix <- paste0("^factor\\(", variable, "\\)")
  if (by != "") {
    b <- svyby(fm, formula_of(by), des, svymean, na.rm = TRUE, deff = TRUE)
  }
  for (dom in domains(des, d, by)) {
    m <- svymean(fm, dom$des, na.rm = TRUE, deff = TRUE)
    names_m <- sub(prefix, "", names(coef(m)))
    stopifnot(setequal(names_m, as.character(levels)))
    dm <- deff(m)
    if (by != "") {
      # svyby's row for this domain: its estimates, SEs and deffs by level
      key <- which(as.character(b[[by]]) == dom$group)
      stopifnot(length(key) == 1)
      est_cols <- paste0("factor(", variable, ")", names_m)
      same(unlist(b[key, est_cols]), coef(m))
      same(unlist(b[key, paste0("se.", est_cols)]), SE(m))
      same(unlist(b[key, paste0("DEff.", est_cols)]), dm)
      dm <- unlist(b[key, paste0("DEff.", est_cols)])
    }
    dfv <- degf(present(dom$des, variable))
    for (lev in levels) {
      key <- which(names_m == as.character(lev))
      p <- coef(m)[[key]]
      se <- SE(m)[[key]]
      if (method == "wald") {
        ci <- if (df == "design") confint(m, df = dfv) else confint(m)
        emit(case, spec, lonely, FALSE, "proportion", variable, by, NA, "", "wald", df,
             dom$group, as.character(lev), p, se, ci[key, 1], ci[key, 2],
             if (df == "design") dfv else NA, dm[[key]])
      } else {
        indicator <- eval(bquote(~I(.(as.name(variable)) == .(lev))))
        cp <- svyciprop(indicator, present(dom$des, variable), method = if (method == "logit") "logit" else "beta")
        ci <- attr(cp, "ci")
        stopifnot(abs(cp[[1]] - p) < 1e-8, abs(sqrt(attr(cp, "var")[[1]]) - se) < 1e-10)
        emit(case, spec, lonely, FALSE, "proportion", variable, by, NA, "", method, "auto",
             dom$group, as.character(lev), cp[[1]], se, ci[[1]], ci[[2]], dfv)
      }
    }
  }
}

quantile_case <- function(spec, des, q, by, lonely = "fail") {
  d <- data[[spec$data]]
  case <- paste0(paste(spec$id, "quantile", "y", paste0("q=", q), if (by == "") "all" else by,
                       "df=auto", sep = "/"),
                 lonely_suffix(lonely))
  for (dom in domains(des, d, by)) {
    res <- svyquantile(~y, dom$des, quantiles = q, na.rm = TRUE, ci = TRUE)
    r <- res[[1]]
    dd <- dom$des
    dfv <- degf(dd[!is.na(dd$variables$y), ])
    emit(case, spec, lonely, FALSE, "quantile", "y", by, q, "", "", "auto", dom$group, "",
         r[1, 1], r[1, 4], r[1, 2], r[1, 3], dfv)
  }
}

# ---------------------------------------------------------------------------------------------
# Cases

set_lonely <- function(lonely, adl) {
  options(survey.lonely.psu = lonely, survey.adjust.domain.lonely = adl)
}

for (spec in designs) {
  set_lonely("fail", FALSE)
  des <- build_design(spec)
  for (by in c("", "region")) {
    moment_case(spec, des, "fail", FALSE, "mean", by, "auto")
    moment_case(spec, des, "fail", FALSE, "mean", by, "design")
    moment_case(spec, des, "fail", FALSE, "total", by, "auto")
    sd_case(spec, des, by)
    ratio_case(spec, des, by)
    for (variable in c("cat", "bin")) {
      for (method in c("wald", "logit", "korn-graubard")) {
        proportion_case(spec, des, variable, by, method, "auto")
      }
    }
    proportion_case(spec, des, "cat", by, "wald", "design")
    for (q in c(0.5, 0.25)) quantile_case(spec, des, q, by)
  }
}

# Lonely-PSU rules for the domain with one PSU in stratum 2 of nested.csv.
nested <- designs[[which(sapply(designs, `[[`, "id") == "nested")]]
for (lonely in c("remove", "certainty", "adjust", "average")) {
  for (adl in c(FALSE, TRUE)) {
    set_lonely(lonely, adl)
    des <- build_design(nested)
    suppressWarnings({   # "Stratum (2) has only one PSU at stage 1" with adl = TRUE
      moment_case(nested, des, lonely, adl, "mean", "region", "auto")
      moment_case(nested, des, lonely, adl, "total", "region", "auto")
      moment_case(nested, des, lonely, adl, "mean", "", "auto")
    })
  }
}
set_lonely("fail", FALSE)

# Real lonely PSUs: lonely.csv has two strata of one PSU each. Under the default rule R stops
# (the engine must too; SurveyOracleTests checks that apart from expected.csv); under each
# other rule every statistic is compared.
lonely_spec <- list(id = "lonely", data = "lonely", weights = "w", strata = "stratum",
                    cluster = "psu", fpc = "", nest = FALSE)
set_lonely("fail", FALSE)
des <- build_design(lonely_spec)
for (attempt in list(quote(svymean(~y, des, na.rm = TRUE)),
                     quote(svyby(~y, ~region, des, svymean, na.rm = TRUE)))) {
  err <- tryCatch({ eval(attempt); "" }, error = conditionMessage)
  stopifnot(grepl("has only one PSU", err))
}
for (lonely in c("remove", "certainty", "adjust", "average")) {
  set_lonely(lonely, FALSE)
  des <- build_design(lonely_spec)
  for (by in c("", "region")) {
    moment_case(lonely_spec, des, lonely, FALSE, "mean", by, "auto")
    moment_case(lonely_spec, des, lonely, FALSE, "total", by, "auto")
    proportion_case(lonely_spec, des, "cat", by, "wald", "auto", lonely)
    ratio_case(lonely_spec, des, by, lonely)
    quantile_case(lonely_spec, des, 0.5, by, lonely)
  }
}
set_lonely("fail", FALSE)

# The fpc as sampling fractions (strat_frac.csv): the same analyses as on strat_fpc.csv, whose
# numbers they must reproduce (checked below).
frac_spec <- list(id = "strat_frac", data = "strat_frac", weights = "w", strata = "stratum",
                  cluster = "", fpc = "fpc", nest = FALSE)
des <- build_design(frac_spec)
stopifnot(isTRUE(all.equal(as.numeric(des$fpc$popsize[, 1]),
                           as.numeric(data$strat_fpc$fpc), tolerance = 1e-12)))
for (by in c("", "region")) {
  moment_case(frac_spec, des, "fail", FALSE, "mean", by, "auto")
  moment_case(frac_spec, des, "fail", FALSE, "total", by, "auto")
  for (method in c("wald", "logit", "korn-graubard")) {
    proportion_case(frac_spec, des, "cat", by, method, "auto")
  }
  quantile_case(frac_spec, des, 0.5, by)
}

# Two stages without weights: R's svydesign takes them from the fpcs (prob = n_h/N_h * m/M).
nw_spec <- list(id = "twostage_nw", data = "twostage", weights = "", strata = "stratum",
                cluster = "psu,ssu", fpc = "fpc1,fpc2", nest = FALSE)
des <- build_design(nw_spec)
tw <- data$twostage
stopifnot(isTRUE(all.equal(as.numeric(weights(des)), tw$w, tolerance = 1e-12)))
for (by in c("", "region")) {
  moment_case(nw_spec, des, "fail", FALSE, "mean", by, "auto")
  moment_case(nw_spec, des, "fail", FALSE, "total", by, "auto")
}

expected <- do.call(rbind, rows)
stopifnot(!any(duplicated(expected[, c("case", "group", "category")])),
          all(expected$estimate != ""))

# Sampling fractions and population sizes are the same design: every strat_frac row equals its
# strat_fpc row.
frac_rows <- expected[expected$data == "strat_frac", ]
twin <- match(paste(sub("^strat_frac/", "strat_fpc/", frac_rows$case), frac_rows$group,
                    frac_rows$category),
              paste(expected$case, expected$group, expected$category))
stopifnot(nrow(frac_rows) > 0, !anyNA(twin))
for (col in c("estimate", "std_error", "conf_low", "conf_high", "df_value", "deff")) {
  a <- suppressWarnings(as.numeric(frac_rows[[col]]))
  b <- suppressWarnings(as.numeric(expected[[col]][twin]))
  stopifnot(identical(is.na(a), is.na(b)),
            all(is.na(a) | abs(a - b) <= 1e-10 * pmax(abs(b), 1e-300)))
}

# R leaves a quantile's bound (and so its SE) out when the Woodruff interval of the share
# leaves [0, 1]; the engine must then leave them out too.
open <- expected$std_error == "" | expected$conf_low == "" | expected$conf_high == ""
if (any(open)) cat("rows without a full interval:", paste(expected$case[open], expected$group[open]), sep = "\n  ")
write.csv(expected, file.path(outdir, "expected.csv"), row.names = FALSE, na = "",
          fileEncoding = "UTF-8")
cat("wrote", nrow(expected), "expected rows in", length(unique(expected$case)), "cases to",
    outdir, "(", sum(expected$deff != ""), "with a design effect )\n")
