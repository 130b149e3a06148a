// Debian's libxlsxwriter (libxlsxwriter-dev), which writes Excel workbooks, and minizip
// (libminizip-dev, which libxlsxwriter itself packages with), used to restore the numbers' last
// digit: libxlsxwriter prints them with "%.16G", one digit short of a double's round trip.
#ifndef CXLSXWRITER_SHIM_H
#define CXLSXWRITER_SHIM_H

#include <xlsxwriter.h>
#include <minizip/unzip.h>
#include <minizip/zip.h>

#endif
