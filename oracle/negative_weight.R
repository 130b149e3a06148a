# Writes a five-row file whose third observation has a negative weight, as SPSS (.sav), Stata
# (.dta) and SAS transport (.xpt) through haven, for LineNumberTests: the error must name
# observation 3 (a statistical file has no lines to count).
#   negw.sav, negw.dta, negw.xpt   x = 1:5, w = c(1, 1, -1, 1, 1)
# Run from the repository root: Rscript oracle/negative_weight.R
suppressPackageStartupMessages(library(haven))
out <- "Tests/StatsEngineTests/Fixtures/statfiles"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
negw <- data.frame(x = 1:5, w = c(1, 1, -1, 1, 1))
write_sav(negw, file.path(out, "negw.sav"))
write_dta(negw, file.path(out, "negw.dta"))
write_xpt(negw, file.path(out, "negw.xpt"))
