# replicate_empty_domain.R -- the oracle for replicates in which a domain or a table cell has no
# rows: R's svrVar leaves such a replicate out of the statistics it cannot give, and only those
# (svyby estimates each domain on its own; a table's cell shares never lack a replicate).
#
# What it makes (under Tests/StatsEngineTests/Fixtures/replicate/):
#   empty_domain.csv           120 rows in 12 PSUs (psu), weight w, a mean variable y, a domain
#                              g (a, b, c, and r: 3 rows, all in PSU 7), a table of bin by reg
#                              (reg level Z: 3 rows, all in PSU 11), and JK1 replicate weights
#                              repw1..repw12 written from weights(as.svrepdesign(..., "JK1"),
#                              "analysis")
#   empty_domain_expected.csv  R's numbers on svrepdesign(repweights = "repw[0-9]+", weights =
#                              ~w, type = "JK1", combined.weights = TRUE), one row each:
#     by_mean,g=LEVEL               svyby(~y, ~g, svymean): estimate, SE
#     cell,bin=B,reg=R             svymean(~interaction(bin, reg)): the cell share, SE
#     row_share,bin=B,reg=R        svyby(~reg, ~bin, svymean): reg's share within bin, SE
#     column_share,bin=B,reg=R     svyby(~bin, ~reg, svymean): bin's share within reg, SE
#     chisq_F, chisq_Wald,         svychisq(~bin + reg, statistic = "F", "Wald", "adjWald"): the
#     chisq_adjWald                statistic (estimate), ndf, ddf, p-value (the Wald tests'
#                                  covariance by the delta method on the replicate totals)
#     contrast_c_a                 svycontrast(svyby(~y, ~g, subset(g in a, c), covmat = TRUE),
#                                  c - a): estimate, SE
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/replicate_empty_domain.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/replicate_empty_domain.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "replicate")
num17 <- function(x) sprintf("%.17g", as.numeric(x))
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261130)

n <- 120
psu <- rep(1:12, each = 10)
w <- round(runif(n, 1, 6), 3)
y <- round(10 + psu / 3 + rnorm(n, sd = 3), 3)
g <- sample(c("a", "b", "c"), n, replace = TRUE)
g[psu == 7][c(2, 5, 9)] <- "r"
bin <- rbinom(n, 1, 0.4)
reg <- sample(c("E", "N", "S", "W"), n, replace = TRUE)
reg[psu == 11][c(1, 4, 8)] <- "Z"
bin[psu == 11][c(1, 4, 8)] <- c(0, 1, 1)
src <- data.frame(psu, w, y, g, bin, reg)
made <- as.svrepdesign(svydesign(ids = ~psu, weights = ~w, data = src), type = "JK1")
W <- weights(made, "analysis")
colnames(W) <- paste0("repw", seq_len(ncol(W)))
write.csv(cbind(src, W), file.path(outdir, "empty_domain.csv"), row.names = FALSE, quote = FALSE)

data <- read.csv(file.path(outdir, "empty_domain.csv"), stringsAsFactors = FALSE)
data$bin <- factor(data$bin)
data$reg <- factor(data$reg)
r <- svrepdesign(data = data, repweights = "repw[0-9]+", weights = ~w, type = "JK1", scale = (ncol(W) - 1) / ncol(W),
                 combined.weights = TRUE)
rows <- list()
add <- function(key, estimate, se, ndf = NA, ddf = NA, p = NA) {
  if (length(estimate) != 1 || length(se) != 1) stop("no value for ", key)
  rows[[length(rows) + 1]] <<- data.frame(key = key, estimate = num17(estimate), std_error = num17(se),
                                          ndf = ifelse(is.na(ndf), "", num17(ndf)), ddf = ifelse(is.na(ddf), "", num17(ddf)),
                                          p_value = ifelse(is.na(p), "", num17(p)))
}
by <- suppressWarnings(svyby(~y, ~g, r, svymean))
for (level in rownames(by)) add(paste0("by_mean,g=", level), by[level, "y"], by[level, "se"])
cells <- svymean(~interaction(bin, reg, sep = ","), r)
for (k in seq_along(coef(cells))) {
  parts <- strsplit(sub("^interaction\\(bin, reg, sep = \",\"\\)", "", names(coef(cells))[k]), ",")[[1]]
  add(sprintf("cell,bin=%s,reg=%s", parts[1], parts[2]), coef(cells)[k], SE(cells)[k])
}
within_bin <- suppressWarnings(svyby(~reg, ~bin, r, svymean))
for (b in rownames(within_bin)) for (k in seq_along(levels(data$reg)))
  add(sprintf("row_share,bin=%s,reg=%s", b, levels(data$reg)[k]), within_bin[b, paste0("reg", levels(data$reg)[k])], SE(within_bin)[b, k])
within_reg <- suppressWarnings(svyby(~bin, ~reg, r, svymean))
for (level in rownames(within_reg)) for (k in 1:2)
  add(sprintf("column_share,bin=%s,reg=%s", k - 1, level), within_reg[level, paste0("bin", k - 1)], SE(within_reg)[level, k])
for (statistic in c("F", "Wald", "adjWald")) {
  test <- svychisq(~bin + reg, r, statistic = statistic)
  add(paste0("chisq_", statistic), test$statistic, NA, test$parameter[["ndf"]], test$parameter[["ddf"]], test$p.value)
}
pair <- svyby(~y, ~g, subset(r, g %in% c("a", "c")), svymean, covmat = TRUE)
contrast <- svycontrast(pair, c(a = -1, c = 1))
add("contrast_c_a", coef(contrast), SE(contrast))
write.csv(do.call(rbind, rows), file.path(outdir, "empty_domain_expected.csv"), row.names = FALSE, quote = FALSE)
