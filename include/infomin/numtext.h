/* numtext.h — numbers read from and written as text in the C locale,
 * whatever the process's locale is (since 0.6).
 *
 * strtod and printf follow LC_NUMERIC: a host program (or an interpreter
 * embedding the library) under a comma-decimal locale such as de_DE would
 * read "0.5" as 0 and write 0.5 as "0,5". INI values, data files and
 * records are C-locale text, so the library reads them with im_strtod, and
 * the handle API (mi.h) runs each call with the calling thread in the C
 * locale (im_c_locale_enter/leave: per thread, the process's setting
 * untouched). */
#ifndef INFOMIN_NUMTEXT_H
#define INFOMIN_NUMTEXT_H

#include <locale.h>
#include <stddef.h>
#include "api.h"

/* strtod in the C locale ('.' is the decimal point). */
IM_API double im_strtod(const char *s, char **end);
/* The calling thread in the C locale until im_c_locale_leave(the value
 * returned); (locale_t)0 when the C locale could not be made (nothing
 * changed then, and leave does nothing). */
IM_API locale_t im_c_locale_enter(void);
IM_API void im_c_locale_leave(locale_t previous);
/* x as the shortest "%g" text (1 to 17 digits) that im_strtod reads back
 * to x, in the C locale (since 0.6): hashes and tables that read back. */
IM_API void im_shortest_text(double x, char *buf, size_t size);
/* The same for a person and a notebook (since 0.6): an integer below 1e15
 * in size in plain digits ("100", where im_shortest_text, whose spelling
 * the configuration hashes keep, gives "1e+02"). */
IM_API void im_number_text(double x, char *buf, size_t size);

#endif
