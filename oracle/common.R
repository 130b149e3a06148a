# Shared by the oracle scripts: a survey design from a fixture's design columns (column names,
# comma lists for two stages), built from the global list `data` of data sets.
formula_of <- function(columns) {
  if (columns == "") return(NULL)
  as.formula(paste("~", paste(strsplit(columns, ",")[[1]], collapse = " + ")))
}

build_design <- function(spec) {
  d <- data[[spec$data]]
  ids <- if (spec$cluster == "") ~1 else formula_of(spec$cluster)
  args <- list(ids = ids, data = d, nest = spec$nest)
  if (spec$strata != "") args$strata <- formula_of(spec$strata)
  if (spec$fpc != "") args$fpc <- formula_of(spec$fpc)
  if (spec$weights != "") args$weights <- formula_of(spec$weights)
  suppressWarnings(do.call(svydesign, args))   # unweighted: "assuming equal probability"
}
