// Debian's ReadStat (libreadstat-dev), which reads SPSS (.sav, .zsav), Stata (.dta) and SAS
// (.sas7bdat, .xpt) files through callbacks, one variable, value and value label at a time.
#ifndef CREADSTAT_SHIM_H
#define CREADSTAT_SHIM_H

#include <readstat.h>

#endif
