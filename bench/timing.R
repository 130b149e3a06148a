# Shared by the R benchmark scripts: t(label, expr) evaluates expr and prints "label seconds".
t <- function(label, expr) {
  s <- proc.time()[["elapsed"]]; force(expr); e <- proc.time()[["elapsed"]] - s
  cat(sprintf("%s %.3f\n", label, e)); invisible(expr)
}
