# R's side of the regression benchmark: svyglm gaussian and quasibinomial with 15 coefficients
# on the generated survey file, timed per step. Usage: Rscript bench/regression.R FILE
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "timing.R"))
d <- t("read", fread(file))
des <- t("design", stratified_design(d))
rhs <- "minority + age + factor(edu) + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"
t("linear", svyglm(as.formula(paste("score ~", rhs)), des))
t("logistic", svyglm(as.formula(paste("unemployed ~", rhs)), des, family = quasibinomial()))
