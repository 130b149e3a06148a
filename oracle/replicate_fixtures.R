# replicate_fixtures.R -- the independent oracle for disparity's replicate-weight designs
# (R's svrepdesign with combined.weights = TRUE).
#
# What it makes (under Tests/StatsEngineTests/Fixtures/replicate/):
#   rep_<type>.csv  the complete rows (y, bin, cat, x, num, region) of survey/nested.csv with
#                   the full-sample weight w and replicate weights repw1..repwR made in R by
#                   as.svrepdesign(nested design, type) (JK1: its PSUs without strata) and written from weights(rdes, "analysis"):
#                   jk1 (JK1), jkn (JKn), brr (BRR), fay (Fay, rho 0.3), boot (bootstrap, 50)
#   expected.csv    R's estimates and standard errors for each case, one row per output row
#
# The oracle design is svrepdesign(data = <the CSV as read back>, repweights = "repw[0-9]+",
# weights = ~w, type, combined.weights = TRUE) with R's default scale (and rscales, except JKn,
# where rscales are the as.svrepdesign ones, written to the `rscales` column); case jk1_mse has
# mse = TRUE. On the JKn columns also: type "successive-difference" (R's scale 4/R; cases sdr,
# sdr_mse) and type "other" with scale 0.07 and rscales 0.5..1.5 (cases other, other_mse).
# Cases per design: mean, total, ratio num/x, proportion of cat, mean by region (with
# degf(subset(rdes, region == level)) intervals), the median (svyquantile with R's default for
# replicate designs, interval.type = "mean": Woodruff's interval from the replicate variance of
# the share at or below the estimate; SE = width / (2 qt(0.975, degf))), a gap (svyby mean by
# region, svycontrast Syd - Nord), a linear svyglm y ~ x + region and a logistic svyglm
# bin ~ x + y (quasibinomial).
#
# Columns of expected.csv:
#   case, data, type, rho, scale, rscales, mse    the design (scale empty: R's default; rscales
#                                                  comma-joined, 17 digits)
#   command, statistic, variable, by, q, denominator, df, formula, family, reference, focal
#   group, category, term                          which output row
#   estimate, std_error, df_value                  R's numbers (df_value: the interval's df, or
#                                                  the regression's df.residual; empty: normal)
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/replicate_fixtures.R

suppressPackageStartupMessages(library(survey))
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "replicate_battery.R"))
stopifnot(packageVersion("survey") == "4.1.1")
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261129)

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/replicate_fixtures.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "replicate")
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

num17 <- function(x) { x <- as.numeric(x); ifelse(is.na(x), "", sprintf("%.17g", x)) }
src <- read.csv(file.path("Tests", "StatsEngineTests", "Fixtures", "survey", "nested.csv"),
                encoding = "UTF-8", stringsAsFactors = FALSE, na.strings = c("", "NA"))
src <- src[complete.cases(src[, c("y", "bin", "cat", "x", "num", "region")]), ]
rownames(src) <- NULL
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = src)
# JK1 needs an unstratified design: the same PSUs, strata ignored.
src$psu_id <- paste(src$stratum, src$psu, sep = "/")
des_unstrat <- svydesign(ids = ~psu_id, weights = ~w, data = src)
src$psu_id <- NULL

types <- list(
  jk1 = list(type = "JK1"),
  jkn = list(type = "JKn"),
  brr = list(type = "BRR", large = "merge"),
  fay = list(type = "Fay", fay.rho = 0.3, large = "merge"),
  boot = list(type = "bootstrap", replicates = 50))

rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)

for (name in names(types)) {
  t <- types[[name]]
  rdes0 <- suppressWarnings(do.call(as.svrepdesign, c(list(design = if (t$type == "JK1") des_unstrat else des, compress = FALSE), t)))
  W <- weights(rdes0, "analysis")
  colnames(W) <- paste0("repw", seq_len(ncol(W)))
  out <- src
  out <- cbind(out, apply(W, 2, num17), stringsAsFactors = FALSE)
  path <- file.path(outdir, paste0("rep_", name, ".csv"))
  write.csv(out, path, row.names = FALSE, fileEncoding = "UTF-8", na = "",
            quote = which(names(out) %in% names(src)[sapply(src, is.character)]))
  data <- read.csv(path, encoding = "UTF-8", stringsAsFactors = FALSE, na.strings = c("", "NA"))
  rho <- if (t$type == "Fay") t$fay.rho else NULL
  rscales <- if (t$type == "JKn") as.numeric(num17(rdes0$rscales)) else NULL
  # Each design: R's svrepdesign call and the engine's settings (type, rho, scale, rscales).
  specs <- list()
  specs[[name]] <- list(type = t$type, our = tolower(t$type), rho = rho, scale = NULL, rscales = rscales, mse = FALSE)
  if (name == "jk1") specs[["jk1_mse"]] <- list(type = "JK1", our = "jk1", rho = NULL, scale = NULL, rscales = NULL, mse = TRUE)
  if (name == "jkn") {
    # SDR (R's scale 4/R, rscales 1) and `other` with a given scale and rscales, on these columns.
    other_rscales <- seq(0.5, 1.5, length.out = ncol(W))
    for (m in c(FALSE, TRUE)) {
      suffix <- if (m) "_mse" else ""
      specs[[paste0("sdr", suffix)]] <- list(type = "successive-difference", our = "sdr", rho = NULL, scale = NULL, rscales = NULL, mse = m)
      specs[[paste0("other", suffix)]] <- list(type = "other", our = "other", rho = NULL, scale = 0.07, rscales = other_rscales, mse = m)
    }
  }
  for (cname in names(specs)) {
    sp <- specs[[cname]]
    r <- suppressWarnings(svrepdesign(data = data, repweights = "repw[0-9]+", weights = ~w, type = sp$type, rho = sp$rho,
                                      scale = sp$scale, rscales = sp$rscales, combined.weights = TRUE, mse = sp$mse))
    base <- list(data = paste0("rep_", name), type = sp$our, rho = if (is.null(sp$rho)) "" else num17(sp$rho),
                 scale = if (is.null(sp$scale)) "" else num17(sp$scale),
                 rscales = if (is.null(sp$rscales)) "" else paste(num17(sp$rscales), collapse = ","),
                 mse = if (isTRUE(r$mse)) "TRUE" else "FALSE")
    row <- replicate_recorder(add, cname, base)
    replicate_battery(r, row)
  }
}
expected <- do.call(rbind, rows)
write.csv(expected, file.path(outdir, "expected.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat(nrow(expected), "expected rows\n")
