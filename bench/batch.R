# R's side of bench/run-batch.sh: the same five analyses as bench/batch.yaml with data.table and
# survey, timed as a whole and per step. Usage: Rscript bench/batch.R FILE
suppressMessages({ library(data.table); library(survey) })
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "timing.R"))
file <- commandArgs(TRUE)[1]
setDTthreads(2)
start <- proc.time()[["elapsed"]]
d <- t("read", fread(file))
des <- t("design", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d))
rhs <- "minority + age + factor(edu) + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"
t("mean", svymean(~score, des))
t("gap", {
  b <- svyby(~score, ~minority, des, svymean, covmat = TRUE)
  svycontrast(b, c(-1, 1))
})
t("linear", svyglm(as.formula(paste("score ~", rhs)), des))
t("logistic", svyglm(as.formula(paste("unemployed ~", rhs)), des, family = quasibinomial()))
t("quantile", svyquantile(~score, des, 0.25, ci = TRUE))
cat(sprintf("total %.3f\n", proc.time()[["elapsed"]] - start))
