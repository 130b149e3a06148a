# table_fixtures.R -- the oracle for `disparity table ROW COL`: R survey's cross-tables.
#
# What it makes: Tests/StatsEngineTests/Fixtures/table/expected.csv, one row per number group:
#   case        id of one design (a data set of Fixtures/survey/ and its design columns)
#   data,weights,strata,cluster,fpc,nest   the design, as oracle/common.R builds it
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
data <- list(nested = read("nested"), twostage = read("twostage"))
source("oracle/common.R")

designs <- list(
  list(id = "nested", data = "nested", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE),
  list(id = "twostage", data = "twostage", weights = "w", strata = "stratum", cluster = "psu,ssu", fpc = "fpc1,fpc2", nest = FALSE),
  list(id = "nested_subset", data = "nested", weights = "w", strata = "stratum", cluster = "psu", fpc = "", nest = TRUE,
       subset = "x > 5", r = quote(x > 5))
)
rowvar <- "region"; colvar <- "cat"
rows <- list()
add <- function(spec, kind, rl, cl, est, se, method = "", stat = NA, ndf = NA, ddf = NA, p = NA) {
  rows[[length(rows) + 1]] <<- data.frame(case = spec$id, data = spec$data, weights = spec$weights, strata = spec$strata,
    cluster = spec$cluster, fpc = spec$fpc, nest = spec$nest, subset = if (is.null(spec$subset)) "" else spec$subset, row = rowvar, col = colvar, kind = kind,
    row_level = rl, col_level = cl, estimate = est, std_error = se, method = method, statistic = stat,
    ndf = ndf, ddf = ddf, p_value = p, stringsAsFactors = FALSE)
}
for (spec in designs) {
  des <- build_design(spec)
  if (!is.null(spec$r)) des <- eval(bquote(subset(des, .(spec$r))))   # disparity's --subset
  v <- des$variables
  rl <- levels(factor(v[[rowvar]])); cl <- levels(factor(v[[colvar]]))
  cells <- svymean(~interaction(factor(region), factor(cat)), des, na.rm = TRUE)
  grid <- expand.grid(rr = rl, cc = cl, stringsAsFactors = FALSE)   # interaction's order: rows fastest
  for (k in seq_len(nrow(grid))) add(spec, "cell", grid$rr[k], grid$cc[k], coef(cells)[[k]], SE(cells)[[k]])
  for (r in rl) {
    m <- svymean(~factor(cat), subset(des, region == r), na.rm = TRUE)   # svyby(~cat, ~region, svymean)
    for (j in seq_along(cl)) add(spec, "row_share", r, cl[j], coef(m)[[j]], SE(m)[[j]])
  }
  for (c in cl) {
    m <- svymean(~factor(region), subset(des, cat == c), na.rm = TRUE)
    for (i in seq_along(rl)) add(spec, "col_share", rl[i], c, coef(m)[[i]], SE(m)[[i]])
  }
  for (method in c("F", "Chisq", "Wald", "adjWald")) {
    t <- svychisq(~region + cat, des, statistic = method)
    par <- t$parameter
    add(spec, "test", "", "", NA, NA, method, unname(t$statistic), unname(par[1]),
        if (length(par) > 1) unname(par[2]) else NA, unname(t$p.value))
  }
}
out <- do.call(rbind, rows)
for (n in c("estimate", "std_error", "statistic", "ndf", "ddf", "p_value")) out[[n]] <- ifelse(is.na(out[[n]]), "", sprintf("%.17g", out[[n]]))
write.csv(out, file.path(dir, "table/expected.csv"), row.names = FALSE, na = "")
