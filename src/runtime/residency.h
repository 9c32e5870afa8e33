/* Whether memory is already backed by physical pages: the streaming-store
 * policy writes past the cache only into outputs that are. */
#ifndef POLYFAST_RESIDENCY_H
#define POLYFAST_RESIDENCY_H

#include <stdint.h>

/*
 * 1 if the first and the last page of [start, start + bytes) are resident, 0
 * if either is not, -1 if the OS cannot tell.  A freshly allocated large
 * array is not resident until written: its first writes fault the pages in
 * and zero them, and non-temporal stores then only add to that cost, while
 * into a reused buffer they save reading the destination into the cache.
 */
int pf_pages_resident(const void *start, intptr_t bytes);

#endif
