/* numtext.c — the C locale for numbers as text (numtext.h). One locale
 * object for the process, made once and never changed: immutable shared
 * state, like the registry of a process that uses the handle API. */
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "infomin/numtext.h"

static pthread_once_t c_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void make_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

static locale_t the_c_locale(void)
{
    pthread_once(&c_once, make_c_locale);
    return c_locale;
}

double im_strtod(const char *s, char **end)
{
    locale_t c = the_c_locale();
    return c ? strtod_l(s, end, c) : strtod(s, end);
}

locale_t im_c_locale_enter(void)
{
    locale_t c = the_c_locale();
    return c ? uselocale(c) : (locale_t)0;
}

void im_c_locale_leave(locale_t previous)
{
    if (previous) uselocale(previous);
}

void im_number_text(double x, char *buf, size_t size)
{
    if (x == (double)(long long)x && fabs(x) < 1e15)
        snprintf(buf, size, "%lld", (long long)x);
    else
        im_shortest_text(x, buf, size);
}

void im_shortest_text(double x, char *buf, size_t size)
{
    locale_t previous = im_c_locale_enter();
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, x);
        if (im_strtod(buf, NULL) == x) break;
    }
    im_c_locale_leave(previous);
}
