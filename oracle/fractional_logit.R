# The oracle of Regression/FractionalResponseTests: a logistic model of a fractional response
# (a share in [0, 1], with some exact 0s and 1s), survey-weighted with strata and PSUs, as R's
# svyglm(family = quasibinomial) fits it (Papke & Wooldridge's fractional logit). glm's IRLS is
# run to convergence (epsilon 1e-12), as in svyglm_fixtures.R.
# Usage: Rscript oracle/fractional_logit.R   (writes Tests/StatsEngineTests/Fixtures/fractional/)
suppressMessages(library(survey))
out <- "Tests/StatsEngineTests/Fixtures/fractional"
n <- 600
i <- 0:(n - 1)
x <- ((i * 7919) %% 1000) / 250 - 2
g <- c("a", "b", "c")[(i * 13) %% 3 + 1]
z <- ((i * 104729) %% 997) / 997
share <- round(plogis(-0.4 + 0.9 * x + 0.5 * (g == "b") + 2 * (z - 0.5)), 2)
share[i %% 50 == 0] <- 0
share[i %% 50 == 25] <- 1
d <- data.frame(stratum = (i %/% 20) %% 3 + 1, psu = i %/% 20 + 1, weight = 1 + ((i * 37) %% 100) / 50,
                x = x, g = g, share = share)
write.csv(d, file.path(out, "data.csv"), row.names = FALSE, quote = FALSE)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d)
m <- svyglm(share ~ x + factor(g), des, family = quasibinomial(),
            control = glm.control(epsilon = 1e-12, maxit = 100))
s <- summary(m)$coefficients
terms <- c("(Intercept)", "x", "g[b]", "g[c]")
write.csv(data.frame(term = terms, estimate = sprintf("%.17g", s[, 1]), std_error = sprintf("%.17g", s[, 2])),
          file.path(out, "expected.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("%s %.17g %.17g\n", terms, s[, 1], s[, 2]), sep = "")
