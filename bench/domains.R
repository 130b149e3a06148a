# R's side of bench/run-domains.sh: domain means with SEs of score in every municipality-by-age
# domain (svyby), timed per step in bench/timing.R's format. With --check, also prints
# "check MUNICIPALITY.AGE estimate se" lines. Usage: Rscript bench/domains.R FILE [--check]
suppressMessages({ library(data.table); library(survey) })
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "timing.R"))
file <- commandArgs(TRUE)[1]
setDTthreads(2)
start <- proc.time()[["elapsed"]]
d <- t("read", fread(file))
des <- t("design", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d))
b <- t("domains", svyby(~score, ~municipality + age, des, svymean))
cat(sprintf("total %.3f\n", proc.time()[["elapsed"]] - start))
if ("--check" %in% commandArgs(TRUE))
  cat(sprintf("check %d.%d %.17g %.17g\n", b$municipality, b$age, coef(b), SE(b)), sep = "")
