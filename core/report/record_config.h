/* record_config.h — a record's configuration as JSON (record_config.c):
 * typed by the keys' declarations, and back to text. Internal to the
 * core (results.c). */
#ifndef INFOMIN_RECORD_CONFIG_H
#define INFOMIN_RECORD_CONFIG_H

#include <jansson.h>
#include "infomin/cfg.h"

struct im_registry;
/* {section: {key: value}}: with reg, each value as the type its plugin
 * declares (int → integer, float → number, bool → true/false, ints and
 * floats → arrays, ranges expanded); else, and for strings, undeclared
 * keys and values that do not parse, the text as written. */
json_t *record_config_json(const im_config *cfg, const struct im_registry *reg);
/* The same object with every value as text (numbers in their shortest
 * spelling, lists joined with ","): what im_record_config_value returns,
 * for records written either way. */
json_t *record_config_text(const json_t *config);

#endif
