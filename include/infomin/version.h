/* version.h — the library's version (the package's: configure.ac's AC_INIT;
 * a test checks the two agree). im_version() (mi.h) is the version of the
 * library a program runs with, these macros the one it was built against. */
#ifndef INFOMIN_VERSION_H
#define INFOMIN_VERSION_H

#include "api.h"

#define IM_VERSION "0.6.0"
#define IM_VERSION_MAJOR 0
#define IM_VERSION_MINOR 6
#define IM_VERSION_PATCH 0
/* MAJOR·10000 + MINOR·100 + PATCH: 600 for 0.6.0 */
#define IM_VERSION_NUMBER (IM_VERSION_MAJOR * 10000 + IM_VERSION_MINOR * 100 + IM_VERSION_PATCH)

/* The version of the library in use ("0.6.0"; recorded in every record),
 * and as a number (600; since 0.6). */
IM_API const char *im_version(void);
IM_API int im_version_number(void);

#endif
