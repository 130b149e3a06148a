# R's side of bench/run-categories.sh: the share of every level of code with its SE (svymean of
# the factor), timed per step in bench/timing.R's format. With --check, also prints
# "check LEVEL estimate se" lines. Usage: Rscript bench/categories.R FILE [--check]
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "timing.R"))
d <- t("read", fread(file))
des <- t("design", stratified_design(d))
m <- t("shares", svymean(~code, des))
cat(sprintf("total %.3f\n", proc.time()[["elapsed"]] - start))
if ("--check" %in% commandArgs(TRUE))
  cat(sprintf("check %s %.17g %.17g\n", sub("^code", "", names(coef(m))), coef(m), SE(m)), sep = "")
