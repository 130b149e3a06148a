# R's side of bench/run.sh: the same steps as disparity on the same file, timed.
# Usage: Rscript bench/descriptive.R FILE
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "timing.R"))
d <- t("read", fread(file))
des <- t("design", stratified_design(d))
t("mean", svymean(~score, des))
t("by", svyby(~score, ~minority + edu, des, svymean))
t("quantile", svyquantile(~score, des, 0.25, ci = TRUE))
