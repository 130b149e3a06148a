# The oracle of SeparationTests.testSteepFiniteEffectIsFitted: a steep but finite logistic effect
# whose fit has many rows with fitted probability numerically 0 or 1 (glm.fit warns of them).
# The data are made the same way in the test: x evenly spaced on [-6, 6], y = 1 where
# x + 0.8 * u > 0 with u = ((i * 7919) mod 1000) / 1000 - 0.5 (i = 0, ..., 1999).
# Usage: Rscript oracle/strong_effect.R
n <- 2000
i <- 0:(n - 1)
x <- -6 + 12 * i / (n - 1)
u <- ((i * 7919) %% 1000) / 1000 - 0.5
y <- as.numeric(x + 0.8 * u > 0)
f <- glm(y ~ x, family = binomial(), control = glm.control(epsilon = 1e-15, maxit = 100))
cat(sprintf("intercept %.17g slope %.17g\n", coef(f)[1], coef(f)[2]))
cat(sprintf("rows fitted within 10 eps of 0 or 1: %d; converged %s in %d iterations\n",
            sum(fitted(f) > 1 - 10 * .Machine$double.eps | fitted(f) < 10 * .Machine$double.eps),
            f$converged, f$iter))
