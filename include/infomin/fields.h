/* fields.h — a plugin's settings struct filled from its section by a field
 * table: where each declared key goes, so no plugin writes a getter per key
 * or a strcmp ladder from a choice key's text to an enum.
 *
 *     typedef struct { double beta; int epochs; int method; } my_settings;
 *     static const im_field my_fields[] = {
 *         IM_FIELD(my_settings, beta, "beta"),
 *         IM_FIELD(my_settings, epochs, "epochs"),
 *         IM_FIELD(my_settings, method, "method"),          // "a|b" choices: 0, 1
 *         IM_FIELD_KEY("select_rule", .unhashed = 1),       // read by the summary only
 *         IM_FIELDS_END
 *     };
 *     ... IM_PLUGIN(IM_TASK, "my-task", "...", my_params, &my_vt, .fields = my_fields)
 *
 * The key's declaration (im_param_spec: type, default, range) says how to
 * read it; the member's size is checked against the type when the table is
 * read (IM_EINVAL naming the key: a table that disagrees with its struct is
 * a bug, caught by the plugin's first run or test):
 *     int, bool                 int
 *     float                     double
 *     string with "a|b|c"       int, the index of the value among the choices
 *     string                    const char * (the configuration's text)
 *     ints / floats             int[] / double[] (IM_FIELD_LIST: count and capacity)
 *
 * The table also says which keys change no number (`unhashed`: where state
 * is saved, what a sweep summary prints) and at which value a key added
 * after figures were published computes what the run did before it existed
 * (`neutral`): such keys stay out of a cell's hash (config_resolve.c), so
 * --resume and published hashes keep matching. */
#ifndef INFOMIN_FIELDS_H
#define INFOMIN_FIELDS_H

#include <stddef.h>
#include "api.h"
#include "status.h"

struct im_section;

typedef struct im_field {
    const char *key;
    size_t offset, size;      /* the member in the settings struct (size 0: nothing is read) */
    size_t count_offset;      /* list keys: the int that gets the item count */
    int cap;                  /* list keys: items the array holds (0: not a list) */
    int unhashed;             /* changes no number: never in the cell hash */
    const char *neutral;      /* at this value the key is left out of the cell hash */
} im_field;

#define IM_FIELD(type, member, key_, ...) \
    { .key = (key_), .offset = offsetof(type, member), .size = sizeof(((type *)0)->member), __VA_ARGS__ }
#define IM_FIELD_LIST(type, member, count, key_, ...)                                                         \
    { .key = (key_), .offset = offsetof(type, member), .size = sizeof(((type *)0)->member[0]),               \
      .count_offset = offsetof(type, count),                                                                  \
      .cap = (int)(sizeof(((type *)0)->member) / sizeof(((type *)0)->member[0])), __VA_ARGS__ }
/* A key the settings struct does not hold (a summary's), declared for its flags. */
#define IM_FIELD_KEY(key_, ...) { .key = (key_), __VA_ARGS__ }
#define IM_FIELDS_END { .key = NULL }

/* Every field of the section's plugin's table (sec->plugin->fields) into
 * out. A plugin without a table: IM_EINVAL. */
IM_API im_status im_fields_read(im_ctx *ctx, const struct im_section *sec, void *out);
/* The same with an explicit table (a part of the settings kept elsewhere). */
IM_API im_status im_fields_read_table(im_ctx *ctx, const struct im_section *sec, const im_field *fields, void *out);
/* The field of key in fields, or NULL. */
IM_API const im_field *im_field_find(const im_field *fields, const char *key);
/* 0 when the key stays out of the cell hash at this value (unhashed, or at
 * its neutral value); 1 otherwise, and for keys the table does not list. */
IM_API int im_field_hashed(const im_field *fields, const char *key, const char *value);

#endif
