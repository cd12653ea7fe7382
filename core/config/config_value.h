/* config_value.h — parsing and range-checking INI values by spec type.
 * Internal to the core (config_*.c). */
#ifndef INFOMIN_CONFIG_VALUE_H
#define INFOMIN_CONFIG_VALUE_H

#include "infomin/plugin.h"

#define IM_LIST_MAX 256

int im_parse_int(const char *s, int *out);
int im_parse_float(const char *s, double *out);
int im_parse_bool(const char *s, int *out);
/* Comma list of ints; "a..b" expands to a, a+1, ..., b. Returns the count,
 * or -1 (bad item) / -2 (more than cap). */
int im_parse_ints(const char *s, int *out, int cap);
int im_parse_floats(const char *s, double *out, int cap);
/* The one spelling of a value of a numeric or bool type: numbers in the
 * shortest form that reads back to the same double ("5e-4" and "0.0005"
 * are "0.0005"; "1e6" is "1e+06"; "3.0" is "3"), integers as integers
 * ("+010" is "10"), lists item by item (ranges "a..b" kept), bools as
 * true/false, columns lists with indices as ints and names trimmed. 1 with it in buf; 0 (buf untouched) for other types and for
 * values that do not parse, which keep their text. */
int im_canonical_value(const char *type, const char *value, char *buf, size_t size);
/* 0 when value fits spec (type and range); else 1 with reason in buf. */
int im_check_value(const im_param_spec *spec, const char *value, char *reason, int size);

struct im_section;
struct im_config_entry;
/* The entry a bound section reads for key: [NAME.PLUGIN] before [NAME]. */
const struct im_config_entry *im_section_entry(const struct im_section *sec, const char *key);
/* The declaration of key in the section's plugin (and, for tasks, the keys
 * every task takes); NULL if it declares none. */
const im_param_spec *im_section_spec(const struct im_section *sec, const char *key);

#endif
