# table_fixtures.R -- the oracle for `disparity table ROW COL`: R survey's cross-tables.
#
# What it makes: Tests/StatsEngineTests/Fixtures/table/expected.csv, one row per number group,
# for the survey battery's data and Fixtures/survey/large_table.csv (written here once: 1,500
# rows, 5 strata of 6 PSUs of up to 3 SSUs, region of 12 levels by cat of 9, 108 cells):
#   case        id of one design (a data set of Fixtures/survey/ and its design columns)
#   data,weights,strata,cluster,fpc,nest   the design, as oracle/common.R builds it
#   lonely,adjust_domain_lonely   R's options survey.lonely.psu and survey.adjust.domain.lonely
#   subset      disparity's --subset (R's subset(design, ...)), empty for the whole design
#   row,col     the cross-table's variables (region, cat)
#   kind        cell      svymean(~interaction(row, col), na.rm = TRUE): share of the population
#               row_share svyby(~col, ~row, svymean): share within the row level
#               col_share svyby(~row, ~col, svymean): share within the column level
#               test      svychisq(~row + col, statistic = method)
#   row_level,col_level   the cell (empty for a test)
#   estimate,std_error    the share and its SE (cells and shares)
#   method,statistic,ndf,ddf,p_value   the test (ddf empty for Chisq)
#
# How to rerun (from the package root; needs R with survey): Rscript oracle/table_fixtures.R
suppressMessages(library(survey))
options(digits = 17, survey.lonely.psu = "fail")
dir <- "Tests/StatsEngineTests/Fixtures"
read <- function(name) read.csv(file.path(dir, "survey", paste0(name, ".csv")), na.strings = "", stringsAsFactors = FALSE, encoding = "UTF-8")
# A table of 12 × 9 = 108 cells, more than the 64 whose statistics take one joint covariance
# (each family of shares then takes its variances alone): written once, from a fixed seed.
if (!file.exists(file.path(dir, "survey", "large_table.csv"))) {
  set.seed(20261202)
  n <- 1500
  stratum <- rep(1:5, each = n / 5)
  psu <- (stratum - 1) * 6 + sample(1:6, n, replace = TRUE)
  ssu <- psu * 10 + sample(1:3, n, replace = TRUE)
  region <- sprintf("r%02d", sample(1:12, n, replace = TRUE, prob = 12:1))
  cat <- sprintf("c%d", sample(1:9, n, replace = TRUE, prob = c(9, 1, 8, 2, 7, 3, 6, 4, 5)))
  large <- data.frame(stratum = stratum, psu = psu, ssu = ssu, fpc1 = 40, fpc2 = 12, w = round(runif(n, 1, 6), 3),
                      region = region, cat = cat, x = round(runif(n, 0, 10), 2))
  write.csv(large, file.path(dir, "survey", "large_table.csv"), row.names = FALSE)
}
data <- list(nested = read("nested"), twostage = read("twostage"), large_table = read("large_table"), lonely = read("lonely"))
source("oracle/common.R")

designs <- list(
  list(id = "nested", data = "nested", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE),
  list(id = "twostage", data = "twostage", weights = "w", strata = "stratum", cluster = "psu,ssu", fpc = "fpc1,fpc2", nest = FALSE),
  list(id = "nested_subset", data = "nested", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE,
       subset = "x > 5", r = quote(x > 5)),
  list(id = "large", data = "large_table", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE),
  list(id = "large_twostage", data = "large_table", weights = "w", strata = "stratum", cluster = "psu,ssu", fpc = "fpc1,fpc2", nest = FALSE),
  list(id = "large_subset", data = "large_table", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE,
       subset = "x > 5", r = quote(x > 5)),
  # Lonely PSUs (strata Ærø and Bornholm have one) where a row level lacks a stratum (Øst has no
  # row in Bornholm): the row shares' domain is the level's own rows, whose strata count under
  # average and whose PSUs under --adjust-domain-lonely.
  list(id = "lonely_average", data = "lonely", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE,
       lonely = "average"),
  list(id = "lonely_average_domain", data = "lonely", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE,
       lonely = "average", adl = TRUE),
  list(id = "lonely_adjust_domain", data = "lonely", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE,
       lonely = "adjust", adl = TRUE)
)
rowvar <- "region"; colvar <- "cat"
rows <- list()
add <- function(spec, kind, rl, cl, est, se, method = "", stat = NA, ndf = NA, ddf = NA, p = NA) {
  rows[[length(rows) + 1]] <<- data.frame(case = spec$id, data = spec$data, weights = spec$weights, strata = spec$strata,
    cluster = spec$cluster, fpc = spec$fpc, nest = spec$nest, lonely = if (is.null(spec$lonely)) "fail" else spec$lonely,
    adjust_domain_lonely = isTRUE(spec$adl), subset = if (is.null(spec$subset)) "" else spec$subset, row = rowvar, col = colvar, kind = kind,
    row_level = rl, col_level = cl, estimate = est, std_error = se, method = method, statistic = stat,
    ndf = ndf, ddf = ddf, p_value = p, stringsAsFactors = FALSE)
}
for (spec in designs) {
  options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely, survey.adjust.domain.lonely = isTRUE(spec$adl))
  des <- build_design(spec)
  if (!is.null(spec$r)) des <- eval(bquote(subset(des, .(spec$r))))   # disparity's --subset
  v <- des$variables
  rl <- levels(factor(v[[rowvar]])); cl <- levels(factor(v[[colvar]]))
  cells <- svymean(~interaction(factor(region), factor(cat)), des, na.rm = TRUE)
  grid <- expand.grid(rr = rl, cc = cl, stringsAsFactors = FALSE)   # interaction's order: rows fastest
  for (k in seq_len(nrow(grid))) add(spec, "cell", grid$rr[k], grid$cc[k], coef(cells)[[k]], SE(cells)[[k]])
  for (r in rl) {
    m <- svymean(~factor(cat, levels = cl), subset(des, region == r), na.rm = TRUE)   # svyby(~cat, ~region, svymean)
    for (j in seq_along(cl)) add(spec, "row_share", r, cl[j], coef(m)[[j]], SE(m)[[j]])
  }
  for (c in cl) {
    m <- svymean(~factor(region, levels = rl), subset(des, cat == c), na.rm = TRUE)
    for (i in seq_along(rl)) add(spec, "col_share", rl[i], c, coef(m)[[i]], SE(m)[[i]])
  }
  for (method in c("F", "Chisq", "Wald", "adjWald")) {
    # A Wald test of contrasts R finds singular (a large table's empty cells) has no row.
    t <- tryCatch(svychisq(~region + cat, des, statistic = method), error = function(e) NULL)
    if (is.null(t)) next
    par <- t$parameter
    add(spec, "test", "", "", NA, NA, method, unname(t$statistic), unname(par[1]),
        if (length(par) > 1) unname(par[2]) else NA, unname(t$p.value))
  }
}
out <- do.call(rbind, rows)
for (n in c("estimate", "std_error", "statistic", "ndf", "ddf", "p_value")) out[[n]] <- ifelse(is.na(out[[n]]), "", sprintf("%.17g", out[[n]]))
write.csv(out, file.path(dir, "table/expected.csv"), row.names = FALSE, na = "")
