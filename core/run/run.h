/* run.h — the parts of infomin-run (internal to core/run): the sweep plan,
 * one cell, and the three ways to run cells (in this process, in forked
 * worker processes, across MPI ranks). */
#ifndef INFOMIN_RUN_H
#define INFOMIN_RUN_H

#include <stdint.h>
#include <stdio.h>
#include "infomin/infomin.h"

/* The cells of a sweep and what became of each. A cell whose resolved
 * configuration equals an earlier cell's runs once: it gets a copy of that
 * cell's record. */
typedef struct {
    im_config *cells;
    int n;
    uint64_t *hash;      /* of the resolved configuration and the version */
    int *same_as;        /* -1, or the first cell with the same hash */
    char **ignored;      /* keys the cell's plugins do not take, or NULL */
    im_record **recs;    /* the cell's record once run, resumed or copied */
    char output[4096];   /* the results file */
    int quiet;
    const char *command; /* infomin-run's command line, recorded with each run it finishes */
} sweep_plan;

/* Takes ownership of cells (an array of n from im_config_expand_sweep). */
im_status plan_make(im_ctx *ctx, im_config *cells, int n, sweep_plan *plan);
void plan_free(sweep_plan *plan);
/* --dry-run: every cell, its swept values, duplicates and ignored keys. */
void plan_print(FILE *out, const sweep_plan *plan);
/* A --set that a [NAME.PLUGIN] section shadows changes nothing: a warning
 * line for each distinct note of the cells (the dry run lists them all). */
void plan_warn_shadowed(FILE *out, const sweep_plan *plan);
/* --resume: take each cell's record from the results file when one with
 * its hash finished ok; the number taken, or -1 with the error in ctx. */
int plan_resume(im_ctx *ctx, sweep_plan *plan);
/* The cells still to run, in order (duplicates and resumed cells left out). */
int plan_todo(const sweep_plan *plan, int *cells);
/* A finished cell: its record (owned by the plan from now), copies for the
 * cells with its configuration, and the results file rewritten with every
 * record so far in cell order. */
im_status plan_store(im_ctx *ctx, sweep_plan *plan, int cell, im_record *rec);
/* The results file: every record so far, in cell order, atomically. */
im_status plan_write(im_ctx *ctx, const sweep_plan *plan);
int plan_written(const sweep_plan *plan);
int plan_failed(const sweep_plan *plan);

/* Run one cell in this process with ctx's workers: always a record (a failed
 * run's carries its status and error), NULL only without memory. */
im_record *cell_run(im_ctx *ctx, const sweep_plan *plan, int cell);

/* The schedulers: run every cell of todo and plan_store each. 0, or 1 when
 * the results file could not be written (the message printed). */
int run_here(im_ctx *ctx, sweep_plan *plan, const int *todo, int n_todo);
int run_jobs(im_ctx *ctx, sweep_plan *plan, const int *todo, int n_todo, int jobs, int threads_per_job);

#ifdef IM_WITH_MPI
/* mpi.c: rank and size of MPI_COMM_WORLD; rank 0's queue (each worker
 * rank gets one cell at a time); mpi_release tells every worker rank not
 * yet told (released[rank] == 0) to stop; a worker rank's loop. */
int mpi_rank(void);
int mpi_size(void);
void mpi_release(int *released);
int run_mpi_root(im_ctx *ctx, sweep_plan *plan, const int *todo, int n_todo, int *released);
int run_mpi_worker(im_ctx *ctx, sweep_plan *plan);
#endif

#endif
