# R's side of bench/run-replicates.sh: on one file with 80 bootstrap replicate weights
# (bench/gen_replicates.py), a mean, domain means (minority by edu), a linear and a logistic regression,
# each under linearization (svydesign) and under the replicate weights (svrepdesign), timed per
# step in bench/timing.R's format. With --check, also prints "check NAME estimate se" lines for the
# replicate results. Usage: Rscript bench/replicates.R FILE [--check]
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "timing.R"))
d <- t("read", fread(file))
lin <- t("design_lin", stratified_design(d))
rep <- t("design_rep", svrepdesign(data = d, weights = ~weight, repweights = "repw[0-9]+", type = "bootstrap",
                                   combined.weights = TRUE))
rhs <- "minority + age + factor(edu) + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"
f <- as.formula(paste("unemployed ~", rhs))
g <- as.formula(paste("score ~", rhs))
out <- list()
for (method in c("lin", "rep")) {
  des <- if (method == "lin") lin else rep
  out[[paste0("mean_", method)]] <- t(paste0("mean_", method), svymean(~score, des))
  out[[paste0("by_", method)]] <- t(paste0("by_", method), svyby(~score, ~minority + edu, des, svymean))
  out[[paste0("linear_", method)]] <- t(paste0("linear_", method), svyglm(g, des))
  out[[paste0("logistic_", method)]] <- t(paste0("logistic_", method), svyglm(f, des, family = quasibinomial()))
}
cat(sprintf("total %.3f\n", proc.time()[["elapsed"]] - start))
if ("--check" %in% commandArgs(TRUE)) {
  line <- function(name, est, se) cat(sprintf("check %s %.17g %.17g\n", name, est, se), sep = "")
  line("mean_rep", coef(out$mean_rep), SE(out$mean_rep))
  b <- out$by_rep
  line(paste0("by_rep:", b$minority, ".", b$edu), coef(b), SE(b))
  for (model in c("linear", "logistic")) {
    fit <- out[[paste0(model, "_rep")]]
    line(paste0(model, "_rep:", sub("^factor\\(edu\\)(.*)$", "edu[\\1]", names(coef(fit)))), coef(fit), SE(fit))
  }
}
