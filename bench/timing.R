# Shared by the R benchmark scripts: the libraries (data.table with two threads, as the other
# tools get), the data file (the first argument), t(label, expr), which evaluates expr and prints
# "label seconds", the generated surveys' linearization design, and the clock `start`.
suppressMessages({ library(data.table); library(survey) })
setDTthreads(2)
file <- commandArgs(TRUE)[1]
t <- function(label, expr) {
  s <- proc.time()[["elapsed"]]; force(expr); e <- proc.time()[["elapsed"]] - s
  cat(sprintf("%s %.3f\n", label, e)); invisible(expr)
}
stratified_design <- function(d) svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d)
start <- proc.time()[["elapsed"]]
