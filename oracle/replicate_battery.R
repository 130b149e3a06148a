# Shared by replicate_fixtures.R and make_replicates_fixtures.R: the statistics every replicate
# design of those oracles is checked on, and the recorder of their expected rows.

# A recorder of expected rows for the case `cname`: `add` stores one row; `base` holds the
# case's design columns.
replicate_recorder <- function(add, cname, base) {
  function(case, command, statistic = "", variable = "", by = "", q = "", denominator = "", df = "auto",
           formula = "", family = "", reference = "", focal = "", group = "", category = "", term = "",
           estimate, se, df_value = "") {
    do.call(add, c(list(case = paste(cname, case, sep = "/")), base,
                   list(command = command, statistic = statistic, variable = variable, by = by, q = q,
                        denominator = denominator, df = df, formula = formula, family = family,
                        reference = reference, focal = focal, group = group, category = category, term = term,
                        estimate = num17(estimate), std_error = num17(se), df_value = df_value)))
  }
}

# Mean, total, (ratio,) the sd (svyvar's square root), proportions, domain means with their df, the median (R's default interval
# for replicate designs, interval.type = "mean"), a gap and gaussian and binomial svyglm, on the
# replicate design `r`, each recorded through `row`.
replicate_battery <- function(r, row, ratio = TRUE) {
  m <- svymean(~y, r); row("mean", "estimate", "mean", "y", estimate = coef(m), se = SE(m))
  m <- svytotal(~y, r); row("total", "estimate", "total", "y", estimate = coef(m), se = SE(m))
  if (ratio) { m <- svyratio(~num, ~x, r); row("ratio", "estimate", "ratio", "num", denominator = "x", estimate = coef(m), se = SE(m)) }
  v <- svyvar(~y, r)   # the sd: its square root, the SE by the delta method
  row("sd", "estimate", "sd", "y", estimate = sqrt(coef(v)), se = SE(v) / (2 * sqrt(coef(v))))
  m <- svymean(~factor(cat), r)
  for (i in seq_along(coef(m))) row("proportion", "estimate", "proportion", "cat", category = sub("factor\\(cat\\)", "", names(coef(m))[i]),
                                    estimate = coef(m)[i], se = SE(m)[i])
  b <- svyby(~y, ~region, r, svymean, covmat = TRUE)
  for (lv in rownames(b)) {
    row("mean_by_region", "estimate", "mean", "y", by = "region", df = "design", group = lv,
        estimate = coef(b)[[lv]], se = SE(b)[[which(rownames(b) == lv)]], df_value = as.character(degf(subset(r, region == lv))))
  }
  q <- svyquantile(~y, r, 0.5)
  row("median", "estimate", "quantile", "y", q = "0.5", estimate = q$y[1, "quantile"], se = q$y[1, 4],
      df_value = as.character(degf(r)))
  g <- svycontrast(b, c(Nord = -1, Syd = 1))
  row("gap", "gap", "mean", "y", reference = "Nord", focal = "Syd", estimate = coef(g), se = SE(g))
  for (fit in list(list(f = y ~ x + region, fam = gaussian(), fam_name = "gaussian"),
                   list(f = bin ~ x + y, fam = quasibinomial(), fam_name = "binomial"))) {
    model <- do.call(svyglm, list(formula = fit$f, design = r, family = fit$fam))   # evaluated here, not in the global frame
    ftext <- paste(deparse(fit$f), collapse = "")
    for (term in names(coef(model))) {
      row(paste0("glm_", fit$fam_name), "regress", formula = ftext, family = fit$fam_name, term = term,
          estimate = coef(model)[term], se = SE(model)[term], df_value = as.character(model$df.residual))
    }
  }
}
