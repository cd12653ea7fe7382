/* version.c — the library's version, from configure (version.h's macros
 * are the headers'; test_core checks that the two agree). */
#include <stdio.h>
#include "config.h"   /* autoconf: PACKAGE_VERSION */
#include "infomin/version.h"

const char *im_version(void) { return PACKAGE_VERSION; }

int im_version_number(void)
{
    int major = 0, minor = 0, patch = 0;
    sscanf(PACKAGE_VERSION, "%d.%d.%d", &major, &minor, &patch);
    return major * 10000 + minor * 100 + patch;
}
