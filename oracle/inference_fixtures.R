# Oracle for the inference layer's defect classes (Tests/StatsEngineTests/Fixtures/inference):
#   allna       a --by domain whose variable is all missing: the other domains' mean and median
#               from subset designs (R itself gives a misleading 0 or an error for the empty one)
#   na_cov(2)   df after missing values: degf(subset(des, !is.na(x))) for every statistic
#   quantile    a quantile gap whose groups are strata: each cell's Woodruff SE with the t of
#               its own design df (svyquantile's default), the difference's SE from both
#   lonely      gaps under lonely-PSU average / adjust + adjust.domain.lonely: svyby's own SEs for
#               the cells and svycontrast over vcov(svyby(covmat = TRUE)) for the difference
# Run from the repository root: Rscript oracle/inference_fixtures.R (survey 4.x). Writes
# Tests/StatsEngineTests/Fixtures/inference/expected.csv.
suppressMessages(library(survey))
dir <- "Tests/StatsEngineTests/Fixtures/inference"
out <- list()
emit <- function(case, group, component, estimate, se, low, high, df) {
  out[[length(out) + 1]] <<- data.frame(case = case, group = group, component = component,
    estimate = estimate, std_error = se, conf_low = low, conf_high = high, df = df)
}
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)

# --- allna: estimate mean/quantile income --by grp --weights w
d <- read.csv(file.path(dir, "allna.csv"))
des <- svydesign(ids = ~1, weights = ~w, data = d)
for (g in c("a", "c")) {
  s <- des[d$grp == g, ]
  m <- svymean(~income, s, na.rm = TRUE); ci <- confint(m)
  emit("allna/mean", g, "estimate", coef(m)[[1]], SE(m)[[1]], ci[1, 1], ci[1, 2], NA)
  s2 <- des[d$grp == g & !is.na(d$income), ]
  q <- svyquantile(~income, s2, 0.5, ci = TRUE)[[1]]
  emit("allna/quantile", g, "estimate", q[1, 1], q[1, 4], q[1, 2], q[1, 3], degf(s2))
}

# --- na_cov, na_cov2: df of the rows that have x
for (file in c("na_cov", "na_cov2")) {
  d <- read.csv(file.path(dir, paste0(file, ".csv")))
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = d)
  s <- subset(des, !is.na(x))
  m <- svymean(~x, s); ci <- confint(m, df = degf(s))
  emit(paste0(file, "/mean"), "", "estimate", coef(m)[[1]], SE(m)[[1]], ci[1, 1], ci[1, 2], degf(s))
  for (lev in sort(unique(d$z))) {
    sz <- des[d$z == lev & !is.na(d$x), ]
    m <- svymean(~x, sz); ci <- confint(m, df = degf(sz))
    emit(paste0(file, "/mean-by-z"), lev, "estimate", coef(m)[[1]], SE(m)[[1]], ci[1, 1], ci[1, 2], degf(sz))
  }
  # gap x --group z --reference a --df design: svyby on the rows with x, contrasts, df of the pair
  dk <- des[!is.na(d$x), ]
  b <- svyby(~x, ~z, dk, svymean, covmat = TRUE)
  for (f in c("b", "c")) {
    diff <- svycontrast(b, setNames(c(1, -1), c(f, "a")))
    dfv <- degf(des[!is.na(d$x) & d$z %in% c(f, "a"), ])
    ci <- coef(diff)[[1]] + c(-1, 1) * qt(0.975, dfv) * SE(diff)[[1]]
    emit(paste0(file, "/gap-design-df"), f, "difference", coef(diff)[[1]], SE(diff)[[1]], ci[1], ci[2], dfv)
  }
}

# --- quantile gap, groups as strata: gap y --group g --reference B --stat quantile (df auto)
d <- read.csv(file.path(dir, "quantile_strata.csv"))
des <- svydesign(ids = ~1, strata = ~g, weights = ~w, data = d)
se <- c()
est <- c()
for (lev in c("A", "B")) {
  s <- des[d$g == lev, ]
  q <- svyquantile(~y, s, 0.5, ci = TRUE)[[1]]
  emit("quantile-strata", lev, if (lev == "A") "focal" else "reference", q[1, 1], q[1, 4], NA, NA, NA)
  se[lev] <- q[1, 4]; est[lev] <- q[1, 1]
}
emit("quantile-strata", "A", "difference", est[["A"]] - est[["B"]], sqrt(se[["A"]]^2 + se[["B"]]^2), NA, NA, NA)

# --- lonely: gaps of every group with A as reference, under two lonely-PSU settings
d <- read.csv(file.path(dir, "lonely.csv"))
for (setting in c("average", "adjust+domain")) {
  options(survey.lonely.psu = sub("\\+domain", "", setting),
          survey.adjust.domain.lonely = grepl("domain", setting))
  des <- suppressWarnings(svydesign(ids = ~psu, strata = ~stratum, data = d))
  b <- suppressWarnings(svyby(~y, ~g, des, svymean, covmat = TRUE))
  for (g in c("A", "B", "C")) emit(paste0("lonely/", setting), g, "cell", coef(b)[[g]], SE(b)[match(g, b$g)], NA, NA, NA)
  for (f in c("B", "C")) {
    diff <- svycontrast(b, setNames(c(1, -1), c(f, "A")))
    emit(paste0("lonely/", setting), f, "difference", coef(diff)[[1]], SE(diff)[[1]], NA, NA, NA)
  }
}
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)

write.csv(do.call(rbind, out), file.path(dir, "expected.csv"), row.names = FALSE, na = "")
