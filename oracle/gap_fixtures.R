# gap_fixtures.R -- the independent oracle for `disparity gap` (StatsEngine's GapEstimator).
#
# What it makes (under Tests/StatsEngineTests/Fixtures/gap/):
#   twostage_na.csv  Fixtures/survey/twostage.csv with the region of every 9th row (rows
#                    5, 14, 23, ...) left empty: rows missing the group column belong to no
#                    group (they stay in the design, as svyby leaves them)
#   expected.csv     R survey's focal, reference, difference and ratio rows for each gap request
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
#   quantiles 0.5 and 0.25 of y (focal and reference rows only, see below)
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
#                      focal and reference rows are given: the estimate and the SE of
#                      svyquantile(~y, subset(des, region == L), q, ci = TRUE, df = Inf,
#                      na.rm = TRUE) (Woodruff, normal quantiles, qrule "math"), and the
#                      interval estimate -/+ qnorm(0.975) SE that the gap reports
#   n                  rows of the group with the variable (difference and ratio: both groups)
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
#   level                             the focal level the row belongs to
#   component                         focal, reference, difference or ratio
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

formula_of <- function(columns) {
  as.formula(paste("~", paste(strsplit(columns, ",")[[1]], collapse = " + ")))
}

build_design <- function(spec) {
  d <- data[[spec$data]]
  ids <- if (spec$cluster == "") ~1 else formula_of(spec$cluster)
  args <- list(ids = ids, data = d, nest = spec$nest)
  if (spec$strata != "") args$strata <- formula_of(spec$strata)
  if (spec$fpc != "") args$fpc <- formula_of(spec$fpc)
  if (spec$weights != "") args$weights <- formula_of(spec$weights)
  do.call(svydesign, args)
}

# ---------------------------------------------------------------------------------------------
# Output rows

fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "", sprintf("%.17g", v))
}

rows <- list()
emit <- function(case, spec, r, level, component, estimate, se, crit, dfv, n) {
  stopifnot(is.finite(estimate), is.finite(se), se > 0)
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, data = spec$data, weights = spec$weights, strata = spec$strata,
    cluster = spec$cluster, fpc = spec$fpc, nest = if (spec$nest) "TRUE" else "FALSE",
    statistic = r$statistic, variable = r$variable, denominator = r$denominator,
    category = r$category, q = if (is.na(r$q)) "" else format(r$q), scale = format(r$scale),
    df = r$df, reference = r$reference, focal = r$focal, level = level, component = component,
    estimate = fmt(estimate), std_error = fmt(se), conf_low = fmt(estimate - crit * se),
    conf_high = fmt(estimate + crit * se), df_value = fmt(dfv), n = as.character(n),
    stringsAsFactors = FALSE)
}

# Equal to 1e-10 relative.
same <- function(a, b) {
  stopifnot(length(a) == length(b), isTRUE(all.equal(as.numeric(a), as.numeric(b), tolerance = 1e-10)))
}

z975 <- qnorm(0.975)

request <- function(statistic, variable, denominator = "", category = "", q = NA, scale = 1,
                    df = "normal", reference = "Nord", focal = "Syd") {
  list(statistic = statistic, variable = variable, denominator = denominator, category = category,
       q = q, scale = scale, df = df, reference = reference, focal = focal)
}

case_id <- function(spec, r) {
  what <- switch(r$statistic,
                 ratio = paste0(r$variable, "/", r$denominator),
                 proportion = if (r$category != "") paste0(r$variable, "=", r$category) else r$variable,
                 r$variable)
  paste(c(spec$id, r$statistic, what, if (!is.na(r$q)) paste0("q=", r$q),
          paste0("scale=", r$scale), paste0("df=", r$df),
          paste0(if (r$focal == "") "all" else r$focal, "-vs-", r$reference)), collapse = "/")
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
    emit(case, spec, r, f, "focal", s * est_f, s * se_f, crit, dfv, nf)
    emit(case, spec, r, f, "reference", s * est_r, s * se_r, crit, dfv, nr)
    emit(case, spec, r, f, "difference", s * coef(diff)[[1]], s * SE(diff)[[1]], crit, dfv, nf + nr)
    emit(case, spec, r, f, "ratio", coef(rat)[[1]], SE(rat)[[1]], crit, dfv, nf + nr)
  }
}

# Quantiles: the focal and reference rows only, from svyquantile on each domain.
quantile_case <- function(spec, des, r) {
  stopifnot(r$focal != "", r$df == "normal", r$scale == 1)
  d <- data[[spec$data]]
  case <- case_id(spec, r)
  for (component in c("focal", "reference")) {
    L <- if (component == "focal") r$focal else r$reference
    dom <- des[d$region %in% L, ]
    res <- svyquantile(formula_of(r$variable), dom, quantiles = r$q, ci = TRUE, df = Inf,
                       na.rm = TRUE)[[1]]
    est <- res[1, 1]
    se <- res[1, 4]
    stopifnot(is.finite(res[1, 2]), is.finite(res[1, 3]),
              abs(se - (res[1, 3] - res[1, 2]) / (2 * z975)) <= 1e-12 * se)
    n <- sum(d$region %in% L & !is.na(d[[r$variable]]))
    emit(case, spec, r, r$focal, component, est, se, z975, NA, n)
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
}

expected <- do.call(rbind, rows)
stopifnot(!any(duplicated(expected[, c("case", "level", "component")])),
          all(expected$estimate != ""), all(expected$std_error != ""))
write.csv(expected, file.path(outdir, "expected.csv"), row.names = FALSE, na = "",
          fileEncoding = "UTF-8")
cat("wrote", nrow(expected), "expected rows in", length(unique(expected$case)), "cases to",
    outdir, "\n")
