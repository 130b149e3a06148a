# R's side of bench/run.sh: the same steps as disparity on the same file, timed.
# Usage: Rscript bench/descriptive.R FILE
suppressMessages({ library(data.table); library(survey) })
file <- commandArgs(TRUE)[1]
setDTthreads(2)
t <- function(label, expr) {
  s <- proc.time()[["elapsed"]]; force(expr); e <- proc.time()[["elapsed"]] - s
  cat(sprintf("%s %.3f\n", label, e)); invisible(expr)
}
d <- t("read", fread(file))
des <- t("design", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d))
t("mean", svymean(~score, des))
t("by", svyby(~score, ~minority + edu, des, svymean))
t("quantile", svyquantile(~score, des, 0.25, ci = TRUE))
