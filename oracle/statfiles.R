# Writes the same survey data as CSV and as SPSS (.sav, .zsav), Stata (.dta), SAS transport
# (.xpt) and SAS data (.sas7bdat) files through haven (which writes them with ReadStat), with
# value labels, user-defined missing values, variable labels and a date column, for
# StatFileReaderTests: every estimate from a binary file must equal the CSV's to the last digit.
#   people.csv         labelled columns as their labels, user-missing codes empty, the date ISO
#   people_codes.csv   the same with the labelled columns as their numeric codes
#   latin1.dta         a Stata 13 file (no declared encoding) whose text is Latin-1 bytes
#   empty.dta          columns and no rows
# Run from the repository root: Rscript oracle/statfiles.R (the binary files embed the time they
# were written, so a new run changes their bytes, not their data).
suppressPackageStartupMessages(library(haven))
out <- "Tests/StatsEngineTests/Fixtures/statfiles"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
set.seed(20261129)
n <- 80
stratum <- rep(1:4, each = 20)
psu <- stratum * 10 + rep(1:5, times = 16)
weight <- round(runif(n, 1, 5), 2)
age <- sample(18:80, n, replace = TRUE)
sex <- sample(1:2, n, replace = TRUE)
employed <- rbinom(n, 1, 0.6)
income <- round(rnorm(n, 300, 80) + 2 * age + 25 * (sex == 2), 2)
income[c(5, 33)] <- NA
region <- sample(c(1, 2, 3, 4, 9), n, replace = TRUE, prob = c(.3, .3, .25, .08, .07))  # 4 has no label; 9 "Don't know" is missing
hours <- round(runif(n, 10, 45), 1)
hours[c(3, 17, 40)] <- c(98, 99, 98)   # user-missing: not asked, refused
score <- sample(1:7, n, replace = TRUE)
score[c(8, 50)] <- 9999                 # not declared missing: --na 9999 makes it so
name <- sample(c("Ann", "Bo", "Søren", "Åse", "Ib"), n, replace = TRUE)
born <- as.Date("1940-01-01") + sample(0:25000, n, replace = TRUE)
born[1:3] <- as.Date(c("1960-01-01", "1959-12-31", "1582-10-14"))

region_labels <- c(North = 1, South = 2, East = 3)
sex_labels <- c(female = 1, male = 2)
employed_labels <- c(no = 0, yes = 1)
user_missing <- function(x, codes) ifelse(x %in% codes, NA, x)

# The CSVs: the oracle the binary files are read against (full precision, "" for missing).
labelled_text <- function(x, labels) {
  t <- names(labels)[match(x, labels)]
  ifelse(is.na(t), as.character(x), t)
}
csv <- data.frame(id = 1:n, stratum, psu, weight, age,
                  sex = labelled_text(sex, sex_labels), employed = labelled_text(employed, employed_labels),
                  income, region = labelled_text(user_missing(region, 9), region_labels),
                  hours = user_missing(hours, c(98, 99)), score, name, born = format(born))
csv$region[is.na(user_missing(region, 9))] <- NA
write.csv(csv, file.path(out, "people.csv"), row.names = FALSE, na = "", fileEncoding = "UTF-8")
codes <- csv
codes$sex <- sex; codes$employed <- employed; codes$region <- user_missing(region, 9)
write.csv(codes, file.path(out, "people_codes.csv"), row.names = FALSE, na = "", fileEncoding = "UTF-8")

base <- data.frame(id = 1:n, stratum, psu, weight, age)
attr(base$weight, "label") <- "Design weight"
labelled_columns <- function(d, region, hours) {
  d$sex <- labelled(sex, sex_labels, label = "Sex")
  d$employed <- labelled(employed, employed_labels, label = "Employed last week")
  d$income <- income
  attr(d$income, "label") <- "Monthly income, DKK"
  d$region <- region
  d$hours <- hours
  d$score <- score
  d$name <- name
  d$born <- born
  attr(d$born, "label") <- "Date of birth"
  d
}

# SPSS: 9 and the range 98-99 declared missing.
spss <- labelled_columns(base,
  labelled_spss(region, c(region_labels, "Don't know" = 9), na_values = 9, label = "Region of residence"),
  labelled_spss(hours, c("Not asked" = 98, "Refused" = 99), na_range = c(98, 99), label = "Hours worked"))
write_sav(spss, file.path(out, "people.sav"))
write_sav(spss, file.path(out, "people.zsav"), compress = "zsav")

# Stata: extended missing values .a (region) and .b (hours).
tag <- function(x, codes, tags) { for (k in seq_along(codes)) x[x == codes[k]] <- tagged_na(tags[k]); x }
stata <- labelled_columns(base,
  labelled(tag(region, 9, "a"), c(region_labels, "Don't know" = tagged_na("a")), label = "Region of residence"),
  labelled(tag(hours, c(98, 99), c("b", "b")), c("Not asked" = tagged_na("b")), label = "Hours worked"))
write_dta(stata, file.path(out, "people.dta"))

# SAS: special missing values .A and .B; SAS files hold no value labels (they live in format
# catalogs), so the labelled columns are their codes.
sas <- labelled_columns(base, tag(region, 9, "A"), tag(hours, c(98, 99), c("B", "B")))
sas$sex <- zap_labels(sas$sex); sas$employed <- zap_labels(sas$employed)
attr(sas$sex, "label") <- "Sex"; attr(sas$employed, "label") <- "Employed last week"
attr(sas$region, "label") <- "Region of residence"; attr(sas$hours, "label") <- "Hours worked"
write_xpt(sas, file.path(out, "people.xpt"), version = 8)
write_sas(sas, file.path(out, "people.sas7bdat"))

# A Stata 13 file declares no encoding; its text is written as UTF-8 by haven and then turned
# into Latin-1 bytes in place (each name padded to its fixed width with a NUL).
latin <- data.frame(name = c("Søren", "Åse", "Ib"), value = c(1, 2, 3))
path <- file.path(out, "latin1.dta")
write_dta(latin, path, version = 13)
bytes <- readBin(path, "raw", file.info(path)$size)
for (word in c("Søren", "Åse")) {
  utf8 <- charToRaw(enc2utf8(word))
  latin1 <- c(charToRaw(iconv(word, "UTF-8", "latin1", toRaw = FALSE)), as.raw(0))
  at <- grepRaw(utf8, bytes, fixed = TRUE)
  bytes[at:(at + length(utf8) - 1)] <- latin1[seq_along(utf8)]
}
writeBin(bytes, path)

write_dta(data.frame(id = numeric(0), name = character(0)), file.path(out, "empty.dta"))
