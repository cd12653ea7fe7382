/* infomin.h — the whole public API, one header per concept (ARCHITECTURE.md
 * maps each to its layer). */
#ifndef INFOMIN_H
#define INFOMIN_H

#include "status.h"
#include "real.h"
#include "mat.h"
#include "batcher.h"
#include "rng.h"
#include "clock.h"
#include "kernels.h"
#include "graph.h"
#include "sparse.h"
#include "param.h"
#include "nn.h"
#include "optim.h"
#include "pool.h"
#include "plugin.h"
#include "cfg.h"
#include "registry.h"
#include "data.h"
#include "results.h"
#include "output.h"
#include "progress.h"
#include "estimator.h"
#include "encoder.h"
#include "task.h"
#include "plot.h"
#include "stats.h"
#include "bounds.h"
#include "critic.h"
#include "tabular.h"
#include "checkpoint.h"
#include "probe.h"
#include "penalty.h"
#include "groups.h"

#endif
