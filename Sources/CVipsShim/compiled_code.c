// liborc's code memory, where libvips' inner loops are compiled at run time, made safe to use
// from many threads.
//
// liborc 0.4.33 (Debian 12's) is not: `orc_code_allocate_codemem` finds a free chunk under its
// global mutex but splits it and marks it used after letting go, and freeing a program merges
// neighbouring chunks with no lock at all. Two libvips operations that compile or free their
// loops at once, on two threads, corrupt its chunk list and crash the process (an 8-thread
// resize loop crashes within seconds). libvips reaches liborc only through
// `orc_program_compile` and `orc_program_free`, called through its PLT: the definitions here,
// in the executable, are the ones it calls, and each calls liborc's own under one lock.

#define _GNU_SOURCE

#include "imgedge_vips.h"

#include <dlfcn.h>
#include <orc/orc.h>
#include <pthread.h>
#include <stdlib.h>
#include <vips/vector.h>

static pthread_mutex_t code_memory_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;
static OrcCompileResult (*liborc_program_compile)(OrcProgram *program);
static void (*liborc_program_free)(OrcProgram *program);

static void resolve_liborc(void) {
    liborc_program_compile = (OrcCompileResult(*)(OrcProgram *))dlsym(RTLD_NEXT, "orc_program_compile");
    liborc_program_free = (void (*)(OrcProgram *))dlsym(RTLD_NEXT, "orc_program_free");
    if (liborc_program_compile == NULL || liborc_program_free == NULL) abort();
}

OrcCompileResult orc_program_compile(OrcProgram *program) {
    pthread_once(&resolved, resolve_liborc);
    pthread_mutex_lock(&code_memory_lock);
    OrcCompileResult result = liborc_program_compile(program);
    pthread_mutex_unlock(&code_memory_lock);
    return result;
}

void orc_program_free(OrcProgram *program) {
    pthread_once(&resolved, resolve_liborc);
    pthread_mutex_lock(&code_memory_lock);
    liborc_program_free(program);
    pthread_mutex_unlock(&code_memory_lock);
}

int imgedge_vips_reserve_compiled_code(size_t bytes) {
    enum { region_size = 65536 };  // liborc's, in orccodemem.c
    size_t regions = (bytes + region_size - 1) / region_size;
    if (!vips_vector_isenabled() || regions == 0) return 0;
    OrcCode **held = calloc(regions, sizeof(OrcCode *));
    if (held == NULL) return -1;
    int status = 0;
    pthread_mutex_lock(&code_memory_lock);
    // Held all at once, each a region's whole size, so that each takes a region of its own.
    for (size_t index = 0; index < regions && status == 0; index++) {
        held[index] = orc_code_new();
        if (held[index] != NULL) orc_code_allocate_codemem(held[index], region_size);
        if (held[index] == NULL || held[index]->code == NULL) status = -1;
    }
    for (size_t index = 0; index < regions; index++) {
        if (held[index] != NULL) orc_code_free(held[index]);
    }
    pthread_mutex_unlock(&code_memory_lock);
    free(held);
    return status;
}
