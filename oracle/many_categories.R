# many_categories.R -- the oracle for proportions of a variable with more categories than the
# joint covariance takes (`estimate proportion` beyond 64 categories: each share's variance
# from its own rows, `VarianceEngine.shareVariances`, or category by category on a calibrated
# design), R's svymean of the factor.
#
# What it makes (under Tests/StatsEngineTests/Fixtures/categories/):
#   codes.csv     2,400 rows: 8 strata (`stratum`; stratum 8 of one PSU), PSUs of 4 to 16 rows
#                 (`psu`), weights `w`, stratum population sizes `N` (stratum 2 sampled
#                 completely), a factor `code` of 251 levels (of 300 drawn) of Zipf-like frequencies (one
#                 common, many with a row or two, some bound to one stratum), a domain `region`
#   totals.csv    population counts of `region` for --poststratify
#   expected.csv  svymean(~code) (svyby over region for by = region): each level's share and SE
#
# Designs (options(survey.lonely.psu = "adjust") throughout):
#   clusters      svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE)
#   fpc           the same with fpc = ~N
#   rows          svydesign(ids = ~1, strata = ~stratum, weights = ~w): rows are PSUs
#   average       clusters under survey.lonely.psu = "average"
#   poststratified  clusters, postStratify(~region) to totals.csv (the engine category by category)
#
# Columns of expected.csv: case, design, by, group, category, estimate, se.
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/many_categories.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261202)

if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/many_categories.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "categories")
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
num17 <- function(x) sprintf("%.17g", as.numeric(x))

n <- 2400
psus <- c()
while (length(psus) < n) psus <- c(psus, rep(length(unique(psus)) + 1, sample(4:16, 1)))
psu <- psus[1:n]
stratum <- pmin(8, (psu - 1) %/% 25 + 1)
stratum[stratum == 8] <- 7
stratum[psu == max(psu)] <- 8                       # the last PSU alone in stratum 8
levels300 <- sprintf("k%03d", 1:300)
p <- 1 / (1:300)^1.1
code <- sample(levels300, n, replace = TRUE, prob = p)
bound <- stratum == 3 & runif(n) < 0.3              # some levels only in stratum 3
code[bound] <- sample(levels300[290:300], sum(bound), replace = TRUE)
code[stratum != 3 & code %in% levels300[290:300]] <- levels300[1]
npsu <- tapply(psu, stratum, function(x) length(unique(x)))
N <- ifelse(stratum == 2, npsu[2], npsu[stratum] * 20)
d <- data.frame(stratum = stratum, psu = psu, w = round(runif(n, 1, 9), 3), N = N, code = code,
                region = ifelse(runif(n) < 0.45, "Nord", "Syd"), stringsAsFactors = FALSE)
write.csv(d, file.path(outdir, "codes.csv"), row.names = FALSE)
d <- read.csv(file.path(outdir, "codes.csv"), stringsAsFactors = FALSE)
d$code <- factor(d$code)
totals <- data.frame(variable = "region", level = c("Nord", "Syd"), total = c(9000, 11000))
write.csv(totals, file.path(outdir, "totals.csv"), row.names = FALSE, quote = FALSE)

clusters <- function() svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = d)
designs <- list(
  clusters = function() clusters(),
  fpc = function() svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~N, nest = TRUE, data = d),
  rows = function() svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = d),
  average = function() clusters(),
  poststratified = function() postStratify(clusters(), ~region,
                                           data.frame(region = c("Nord", "Syd"), Freq = c(9000, 11000))))
rows <- list()
for (name in names(designs)) {
  options(survey.lonely.psu = if (name == "average") "average" else "adjust")
  des <- designs[[name]]()
  for (by in c("", "region")) {
    groups <- if (by == "") list(list(group = "", des = des))
              else lapply(c("Nord", "Syd"), function(l) list(group = l, des = subset(des, region == l)))
    for (g in groups) {
      m <- svymean(~code, g$des)
      rows[[length(rows) + 1]] <- data.frame(
        case = paste(name, if (by == "") "all" else by, sep = "/"), design = name, by = by, group = g$group,
        category = sub("^code", "", names(coef(m))), estimate = num17(coef(m)), se = num17(SE(m)),
        stringsAsFactors = FALSE)
    }
  }
}
expected <- do.call(rbind, rows)
write.csv(expected, file.path(outdir, "expected.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat("wrote", nrow(expected), "rows to", file.path(outdir, "expected.csv"), "\n")
