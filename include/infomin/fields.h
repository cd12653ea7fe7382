/* fields.h — a plugin's keys declared once, with where each goes in the
 * plugin's settings struct: the registry makes the plugin's key table
 * (im_param_spec: type, default, doc, range) from it, and im_fields_read
 * fills the struct, so no plugin writes a getter per key or a strcmp
 * ladder from a choice key's text to an enum.
 *
 *     typedef struct { double beta; int epochs; int method; } my_settings;
 *     static const im_field my_fields[] = {
 *         IM_FLOAT(my_settings, beta, "0", "penalty weight", ">=0"),
 *         IM_INT(my_settings, epochs, "10", "passes over the training split", ">=1"),
 *         IM_CHOICE(my_settings, method, "a", "what trains", "a|b"),      // "a" → 0, "b" → 1
 *         IM_KEY("select_rule", "float", "0.8", "read by the summary", NULL, .unhashed = 1),
 *         IM_FIELDS_END
 *     };
 *     ... IM_PLUGIN(IM_TASK, "my-task", "...", NULL, &my_vt, .fields = my_fields)
 *
 * The key is the member's name (IM_FIELD_AS names another, for a member
 * of a nested struct). The member's C type is checked against the key's
 * type when the table is compiled:
 *     IM_INT, IM_BOOL       int
 *     IM_FLOAT              double
 *     IM_CHOICE             int: the index of the value among "a|b|c"
 *     IM_STRING             const char * (the configuration's text)
 *     IM_INTS, IM_FLOATS    int[] / double[] and an int count (comma lists)
 *
 * The table also says which keys change no number (`.unhashed = 1`: where
 * state is saved, what a sweep summary prints) and at which value a key
 * added after figures were published computes what the run did before it
 * existed (`.neutral = "0"`): such keys stay out of a cell's hash
 * (config_resolve.c), so --resume and published hashes keep matching. A
 * weight whose 0 leaves a section unread says so (`.gates = "estimator"`):
 * the section then drops out of the cell's hash, so β = 0 under several
 * estimators runs once. */
#ifndef INFOMIN_FIELDS_H
#define INFOMIN_FIELDS_H

#include <stddef.h>
#include "api.h"
#include "plugin.h"
#include "status.h"

struct im_section;

typedef struct im_field {
    im_param_spec spec;       /* the key's declaration */
    size_t offset, size;      /* the member in the settings struct (size 0: nothing is read) */
    size_t count_offset;      /* list keys: the int that gets the item count */
    int cap;                  /* list keys: items the array holds (0: not a list) */
    int unhashed;             /* changes no number: never in the cell hash */
    const char *neutral;      /* at this value the key is left out of the cell hash */
    const char *gates;        /* a section this key turns off at 0 (a penalty's weight: "estimator") */
} im_field;

/* member m of struct T, C type ctype (checked at compile time), as key */
#define IM_FIELD_AS(T, m, key, type, ctype, def, doc, range, ...)                                              \
    { .spec = { (key), (type), (def), (doc), (range) }, .offset = offsetof(T, m),                             \
      .size = sizeof(((T *)0)->m) * _Generic(((T *)0)->m, ctype: 1), __VA_ARGS__ }
#define IM_INT(T, m, def, doc, range, ...) IM_FIELD_AS(T, m, #m, "int", int, def, doc, range, __VA_ARGS__)
#define IM_BOOL(T, m, def, doc, ...) IM_FIELD_AS(T, m, #m, "bool", int, def, doc, NULL, __VA_ARGS__)
#define IM_FLOAT(T, m, def, doc, range, ...) IM_FIELD_AS(T, m, #m, "float", double, def, doc, range, __VA_ARGS__)
#define IM_CHOICE(T, m, def, doc, choices, ...) IM_FIELD_AS(T, m, #m, "string", int, def, doc, choices, __VA_ARGS__)
#define IM_STRING(T, m, def, doc, range, ...)                                                                  \
    IM_FIELD_AS(T, m, #m, "string", const char *, def, doc, range, __VA_ARGS__)
/* a comma list into the array m, its length into the int count */
#define IM_LIST_AS_(T, m, count, key, type, ctype, def, doc, range, ...)                                       \
    { .spec = { (key), (type), (def), (doc), (range) }, .offset = offsetof(T, m),                             \
      .size = sizeof(((T *)0)->m[0]) * _Generic(((T *)0)->m[0], ctype: 1),                                    \
      .count_offset = offsetof(T, count) * _Generic(((T *)0)->count, int: 1),                                 \
      .cap = (int)(sizeof(((T *)0)->m) / sizeof(((T *)0)->m[0])), __VA_ARGS__ }
#define IM_INTS(T, m, count, def, doc, range, ...) IM_LIST_AS_(T, m, count, #m, "ints", int, def, doc, range, __VA_ARGS__)
#define IM_FLOATS(T, m, count, def, doc, range, ...)                                                           \
    IM_LIST_AS_(T, m, count, #m, "floats", double, def, doc, range, __VA_ARGS__)
/* A key the settings struct does not hold (the plugin reads it itself, or
 * a sweep summary does), declared here for the key table and its flags. */
#define IM_KEY(key, type, def, doc, range, ...) { .spec = { (key), (type), (def), (doc), (range) }, __VA_ARGS__ }
/* The same from an im_param_spec initialiser shared with key tables. */
#define IM_KEY_SPEC(spec_) { .spec = spec_ }
#define IM_FIELDS_END { .spec = IM_PARAMS_END }

/* Every field of the section's plugin's table (sec->plugin->fields) into
 * out. A plugin without a table: IM_EINVAL. */
IM_API im_status im_fields_read(im_ctx *ctx, const struct im_section *sec, void *out);
/* The field of key in fields, or NULL. */
IM_API const im_field *im_field_find(const im_field *fields, const char *key);
/* 0 when a key of the task section's field table gates section `name`
 * off in this configuration (its value is 0); else 1. */
IM_API int im_fields_use_section(const struct im_section *task, const char *name);
/* 0 when the key stays out of the cell hash at this value (unhashed, or at
 * its neutral value); 1 otherwise, and for keys the table does not list. */
IM_API int im_field_hashed(const im_field *fields, const char *key, const char *value);

#endif
