#include "runtime/residency.h"

#if defined(__linux__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>

static int page_resident(uintptr_t address, uintptr_t page)
{
    /* mincore's vector type differs between systems (unsigned char on Linux,
     * char on macOS); the low bit means resident on both. */
#if defined(__APPLE__)
    char state = 0;
#else
    unsigned char state = 0;
#endif
    if (mincore((void *)(address & ~(page - 1)), (size_t)page, &state) != 0)
        return -1;
    return state & 1;
}

int pf_pages_resident(const void *start, intptr_t bytes)
{
    const long page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0 || bytes <= 0)
        return -1;
    const uintptr_t page = (uintptr_t)page_size;
    const int first = page_resident((uintptr_t)start, page);
    if (first != 1)
        return first;
    return page_resident((uintptr_t)start + (uintptr_t)bytes - 1, page);
}

#else

int pf_pages_resident(const void *start, intptr_t bytes)
{
    (void)start;
    (void)bytes;
    return -1;
}

#endif
