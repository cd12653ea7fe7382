/* mlp_config.c — an MLP whose shape comes from a section's INI keys: the
 * one place where the layer builders (engine) meet the configuration. */
#include "infomin/critic.h"

im_status im_mlp_from_section(im_ctx *ctx, im_mlp *mlp, im_params *params, const char *name, const im_section *sec,
                              int in, int out, im_activation out_act, im_rng *rng)
{
    int hidden[IM_MLP_MAX_LAYERS - 1], n_hidden;
    const char *act_name;
    im_activation act;
    im_status st = im_section_ints(ctx, sec, "hidden", hidden, IM_MLP_MAX_LAYERS - 1, &n_hidden);
    if (!st) st = im_section_string(ctx, sec, "activation", &act_name);
    if (!st) st = im_activation_parse(ctx, act_name, &act);
    if (!st) st = im_mlp_init(ctx, mlp, params, name, in, hidden, n_hidden, out, act, out_act, rng);
    return st;
}
