/* api.h — what libinfomin exports. The library is built with
 * -fvisibility=hidden: a function is part of the API, and visible to
 * programs and plugins, only when its declaration in an installed header
 * carries IM_API. `nm -D --defined-only libinfomin.so` is then the API
 * reference (a test checks the two agree). */
#ifndef INFOMIN_API_H
#define INFOMIN_API_H

#define IM_API __attribute__((visibility("default")))

#endif
