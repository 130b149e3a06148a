# lonely_average_stages.R -- the oracle for where `--lonely-psu average --adjust-domain-lonely`
# finds nothing to average over on a two-stage design (fpcs at both stages): R's svyrecvar
# gives NaN and warns "Stratum (S) has only one PSU at stage 1" for a stratum of one PSU of
# the domain, "Stratum (S.P) has only one PSU at stage 2" for a PSU with one second-stage unit
# of the domain; the note must name the stage (and PSU) these warnings name.
#
# What it makes (under Tests/StatsEngineTests/Fixtures/survey/):
#   lonely_average_stages.csv           48 rows: strata st (1, 2), PSUs psu (two a stratum),
#                                       SSUs ssu (three a PSU), fpcs N1 = 10, N2 = 20, weight w,
#                                       value y, domain g: a (PSU p11 with one SSU, the other
#                                       PSUs with three: stage 2 only), b (one PSU, p11, with
#                                       two SSUs: stage 1 only), c (p12 and p21, one SSU each,
#                                       one PSU a stratum: both stages), d (estimable)
#   lonely_average_stages_expected.csv  one row per domain: group, estimate and std_error of
#                                       svyby(~y, ~g, design, svymean) to 17 digits (NaN as
#                                       NaN), warnings: the strata R's warnings name, "S@1" at
#                                       stage 1 and "S.P@2" at stage 2, sorted, ";"-joined
#
# How to rerun (from the package root; needs R with survey 4.1.1):
#   Rscript oracle/lonely_average_stages.R

suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
if (!file.exists("Package.swift")) stop("run from the package root: Rscript oracle/lonely_average_stages.R")
outdir <- file.path("Tests", "StatsEngineTests", "Fixtures", "survey")
num17 <- function(x) sprintf("%.17g", as.numeric(x))
options(survey.lonely.psu = "average", survey.adjust.domain.lonely = TRUE)

rows <- expand.grid(i = 0:3, u = 1:3, q = 1:2, st = 1:2)
rows$psu <- sprintf("p%d%d", rows$st, rows$q)
rows$ssu <- sprintf("%ss%d", rows$psu, rows$u)
rows$g <- with(rows, ifelse(i < 2, ifelse(psu == "p11" & u > 1, "b", "a"),
                     ifelse(psu == "p11", ifelse(u == 1, "a", "b"),
                     ifelse(psu %in% c("p12", "p21") & u == 1, "c", "d"))))
rows$y <- with(rows, st * 10 + q * 3 + u + i * 0.5 + (i * i) %% 3 * 0.25)
data <- data.frame(st = rows$st, psu = rows$psu, ssu = rows$ssu, N1 = 10, N2 = 20,
                   w = 1 + rows$i %% 2, g = rows$g, y = rows$y)
write.csv(data, file.path(outdir, "lonely_average_stages.csv"), row.names = FALSE, quote = FALSE)

design <- svydesign(ids = ~psu + ssu, strata = ~st, fpc = ~N1 + N2, weights = ~w, data = data)
out <- do.call(rbind, lapply(sort(unique(data$g)), function(level) {
  warned <- character()
  m <- withCallingHandlers(svymean(~y, subset(design, g == level)), warning = function(w) {
    hit <- regmatches(conditionMessage(w), regexec("Stratum \\((.*)\\) has only one PSU at stage ([0-9])", conditionMessage(w)))[[1]]
    if (length(hit) == 3) warned <<- c(warned, paste0(hit[2], "@", hit[3]))
    invokeRestart("muffleWarning")
  })
  data.frame(group = level, estimate = num17(coef(m)), std_error = num17(SE(m)),
             warnings = paste(sort(unique(warned)), collapse = ";"))
}))
write.csv(out, file.path(outdir, "lonely_average_stages_expected.csv"), row.names = FALSE, quote = FALSE)
