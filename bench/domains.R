# R's side of bench/run-domains.sh: domain means with SEs of score in every municipality-by-age
# domain (svyby), timed per step in bench/timing.R's format. With --check, also prints
# "check MUNICIPALITY.AGE estimate se" lines. Usage: Rscript bench/domains.R FILE [--check]
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "timing.R"))
d <- t("read", fread(file))
des <- t("design", stratified_design(d))
b <- t("domains", svyby(~score, ~municipality + age, des, svymean))
cat(sprintf("total %.3f\n", proc.time()[["elapsed"]] - start))
if ("--check" %in% commandArgs(TRUE))
  cat(sprintf("check %d.%d %.17g %.17g\n", b$municipality, b$age, coef(b), SE(b)), sep = "")
