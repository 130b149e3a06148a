# subset_fixtures.R -- the oracle for disparity's --subset: R survey on subset(design, ...).
#
# What it makes: Tests/StatsEngineTests/Fixtures/subset/expected.csv, one row per number:
#   case      id of one analysis
#   kind      mean (svymean(~x, sub), df = degf(sub)) or regress (svyglm(formula, sub))
#   data      data set of Fixtures/svyglm/ (nested: stratified clusters, PSU ids repeated
#             across strata, nest = TRUE)
#   subset    the condition, as disparity's --subset writes it
#   formula   the variable (mean) or the formula (regress)
#   term      (Intercept) or the variable
#   estimate,std_error
#   df        degf(sub) for a mean; m$df.residual (= degf(sub) + 1 - rank) for a regression
#
# How to rerun (from the package root; needs R with survey): Rscript oracle/subset_fixtures.R
# The subset design keeps every stratum and PSU for variance (R's subset.survey.design); its
# degrees of freedom count the PSUs and strata of the rows left.
suppressMessages(library(survey))
options(digits = 17, survey.lonely.psu = "fail")
dir <- "Tests/StatsEngineTests/Fixtures"
d <- read.csv(file.path(dir, "svyglm/nested.csv"), stringsAsFactors = FALSE, encoding = "UTF-8")
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = d)

cases <- list(
  list(id = "lt", subset = "x < 6", r = quote(x < 6)),
  list(id = "le", subset = "x <= 6 & region != Nord", r = quote(x <= 6 & region != "Nord")),
  list(id = "gt", subset = "x > 5", r = quote(x > 5)),
  list(id = "ge", subset = "x >= 5 & region != Syd", r = quote(x >= 5 & region != "Syd")),
  list(id = "eq", subset = "region == Syd", r = quote(region == "Syd"))
)
rows <- list()
for (k in cases) {
  sub <- eval(bquote(subset(des, .(k$r))))
  m <- svymean(~x, sub)
  rows[[length(rows) + 1]] <- data.frame(case = paste0(k$id, "_mean"), kind = "mean", data = "nested", subset = k$subset,
    formula = "x", term = "x", estimate = coef(m)[[1]], std_error = SE(m)[[1]], df = degf(sub))
  fit <- svyglm(y ~ x + z + num, design = sub)
  s <- summary(fit)$coefficients
  rows[[length(rows) + 1]] <- data.frame(case = paste0(k$id, "_regress"), kind = "regress", data = "nested", subset = k$subset,
    formula = "y ~ x + z + num", term = rownames(s), estimate = s[, 1], std_error = s[, 2], df = fit$df.residual)
}
out <- do.call(rbind, rows)
write.csv(out, file.path(dir, "subset/expected.csv"), row.names = FALSE)
