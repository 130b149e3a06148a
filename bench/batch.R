# R's side of bench/run-batch.sh: the same five analyses as bench/batch.yaml with data.table and
# survey, timed as a whole and per step. With --check, also prints the estimates as
# "check NAME estimate se" lines (bench/compare_batch.py). Usage: Rscript bench/batch.R FILE [--check]
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "timing.R"))
d <- t("read", fread(file))
des <- t("design", stratified_design(d))
rhs <- "minority + age + factor(edu) + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"
m <- t("mean", svymean(~score, des))
g <- t("gap", {
  b <- svyby(~score, ~minority, des, svymean, covmat = TRUE)
  svycontrast(b, c(-1, 1))
})
lin <- t("linear", svyglm(as.formula(paste("score ~", rhs)), des))
logi <- t("logistic", svyglm(as.formula(paste("unemployed ~", rhs)), des, family = quasibinomial()))
q <- t("quantile", svyquantile(~score, des, 0.25, ci = TRUE))
cat(sprintf("total %.3f\n", proc.time()[["elapsed"]] - start))
if ("--check" %in% commandArgs(TRUE)) {
  line <- function(name, est, se, ...) cat(sprintf("check %s %s\n", name, paste(sprintf("%.17g", c(est, se, ...)), collapse = " ")))
  line("mean", coef(m), SE(m))
  line("gap", coef(g), SE(g))
  for (model in c("linear", "logistic")) {
    fit <- if (model == "linear") lin else logi
    terms <- sub("^factor\\(edu\\)(.*)$", "edu[\\1]", names(coef(fit)))
    for (i in seq_along(terms)) line(paste0(model, ":", terms[i]), coef(fit)[i], SE(fit)[i])
  }
  line("quantile", coef(q), SE(q), confint(q))
}
