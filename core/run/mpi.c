/* mpi.c — `mpirun -np P infomin-run-mpi sweep.ini`: a sweep across MPI
 * ranks, on one host or many.
 *
 * Every rank reads the INI and expands the same plan (the files and plugins
 * must be visible on every host, as for any MPI program). Rank 0 computes
 * nothing: it hands out cells one at a time (a work queue, so a slow cell
 * holds up only its own rank), receives each record as one JSON line and
 * writes the results file in cell order, as infomin-run does. A worker
 * rank runs cells with its own worker threads until rank 0 says stop. A
 * signal (mpirun forwards SIGINT and SIGTERM) stops each rank's run; rank 0
 * collects the interrupted records and hands out nothing new. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "run.h"

enum { TAG_WORK = 1, TAG_RECORD = 2 };

int mpi_rank(void)
{
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int mpi_size(void)
{
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

/* Rank 0: tell every worker rank not yet told that there is no more work. */
void mpi_release(int *released)
{
    int stop = -1;
    for (int r = 1; r < mpi_size(); r++)
        if (!released[r]) {
            MPI_Send(&stop, 1, MPI_INT, r, TAG_WORK, MPI_COMM_WORLD);
            released[r] = 1;
        }
}

static void pause_1ms(void)
{
    struct timespec t = { 0, 1000 * 1000 };
    nanosleep(&t, NULL);
}

/* A record from rank `from`, or NULL with why (a line that does not parse). */
static im_record *receive_record(int from, int *cell, char *why, size_t size)
{
    MPI_Status status;
    int len;
    MPI_Probe(from, TAG_RECORD, MPI_COMM_WORLD, &status);
    MPI_Get_count(&status, MPI_CHAR, &len);
    char *text = malloc((size_t)len + 1);
    if (!text) {   /* the message cannot be left unreceived: the job cannot go on */
        fprintf(stderr, "infomin-run: rank 0: out of memory for a record of %d bytes from rank %d\n", len, from);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Recv(text, len, MPI_CHAR, from, TAG_RECORD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    text[len] = '\0';
    im_record *rec = im_record_parse(text, why, size);
    free(text);
    if (rec) *cell = im_record_run(rec);
    return rec;
}

int run_mpi_root(im_ctx *ctx, sweep_plan *plan, const int *todo, int n_todo, int *released)
{
    int size = mpi_size(), next = 0, busy = 0, bad = 0;
    int *cell_of = calloc((size_t)size, sizeof *cell_of);
    if (!cell_of) return 1;
    for (int r = 1; r < size && next < n_todo && !im_interrupted(ctx); r++) {
        MPI_Send(&todo[next], 1, MPI_INT, r, TAG_WORK, MPI_COMM_WORLD);
        cell_of[r] = todo[next++];
        busy++;
        if (!plan->quiet)
            fprintf(stderr, "infomin-run: run %d/%d on rank %d %s\n", cell_of[r] + 1, plan->n, r,
                    plan->cells[cell_of[r]].sweep_label ? plan->cells[cell_of[r]].sweep_label : "");
    }
    for (int r = busy + 1; r < size; r++) {   /* ranks with no first cell: nothing for them at all */
        int stop = -1;
        MPI_Send(&stop, 1, MPI_INT, r, TAG_WORK, MPI_COMM_WORLD);
        released[r] = 1;
    }
    while (busy) {
        int ready = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RECORD, MPI_COMM_WORLD, &ready, &status);
        if (!ready) {   /* polled, not blocked: a stop signal must be seen */
            pause_1ms();
            continue;
        }
        int from = status.MPI_SOURCE, cell = cell_of[from];
        char why[512];
        im_record *rec = receive_record(from, &cell, why, sizeof why);
        busy--;
        if (!rec && (rec = im_record_new_typed(&plan->cells[cell_of[from]], cell_of[from], ctx->registry)) != NULL)
            im_record_finish(rec, "failed", why, 0);
        if (!rec || plan_store(ctx, plan, cell, rec)) {
            fprintf(stderr, "infomin-run: %s\n", rec ? ctx->err : "out of memory");
            bad = 1;
        } else if (!plan->quiet) {
            fprintf(stderr, "infomin-run: run %d/%d %s on rank %d\n", cell + 1, plan->n,
                    im_record_ok(rec) ? "done" : "failed", from);
        }
        if (next < n_todo && !bad && !im_interrupted(ctx)) {
            MPI_Send(&todo[next], 1, MPI_INT, from, TAG_WORK, MPI_COMM_WORLD);
            cell_of[from] = todo[next++];
            busy++;
            if (!plan->quiet)
                fprintf(stderr, "infomin-run: run %d/%d on rank %d %s\n", cell_of[from] + 1, plan->n, from,
                        plan->cells[cell_of[from]].sweep_label ? plan->cells[cell_of[from]].sweep_label : "");
        } else {   /* no more work for this rank */
            int stop = -1;
            MPI_Send(&stop, 1, MPI_INT, from, TAG_WORK, MPI_COMM_WORLD);
            released[from] = 1;
        }
    }
    free(cell_of);
    return bad;
}

int run_mpi_worker(im_ctx *ctx, sweep_plan *plan)
{
    for (;;) {
        int cell;
        MPI_Recv(&cell, 1, MPI_INT, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (cell < 0 || cell >= plan->n) return 0;
        im_record *rec = cell_run(ctx, plan, cell);
        if (!rec && (rec = im_record_new_typed(&plan->cells[cell], cell, ctx->registry)) != NULL)
            im_record_finish(rec, "failed", "worker rank out of memory", 0);
        char *text = rec ? im_record_dump(rec) : NULL;
        /* nothing to send would leave rank 0 waiting: an empty line fails the cell */
        MPI_Send(text ? text : "", text ? (int)strlen(text) : 0, MPI_CHAR, 0, TAG_RECORD, MPI_COMM_WORLD);
        free(text);
        im_record_free(rec);
    }
}
