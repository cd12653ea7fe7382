/* sort.h — the library's own sort with a payload (core/stats/sort.c). */
#ifndef IM_SORT_H
#define IM_SORT_H

/* v ascending, index[] moved with it; stable (ties keep their order).
 * Returns 0 when out of memory (v and index untouched). */
int im_sort_doubles_indexed(double *v, int *index, long n);

#endif
