#include "imgedge_crc32c.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

/// The reflected Castagnoli polynomial.
static const uint32_t polynomial = 0x82F63B78u;
static uint32_t table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void fill_table(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (polynomial & (0u - (crc & 1u)));
        }
        table[byte] = crc;
    }
}

uint32_t imgedge_crc32c_portable(const void *bytes, size_t count) {
    pthread_once(&table_once, fill_table);
    const uint8_t *next = bytes;
    uint32_t crc = 0xFFFFFFFFu;
    while (count--) {
        crc = (crc >> 8) ^ table[(crc ^ *next++) & 0xFFu];
    }
    return crc ^ 0xFFFFFFFFu;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(const uint8_t *next, size_t count) {
    uint64_t crc = 0xFFFFFFFFu;
    for (; count >= 8; next += 8, count -= 8) {
        uint64_t word;
        memcpy(&word, next, sizeof word);
        crc = _mm_crc32_u64(crc, word);
    }
    uint32_t crc32 = (uint32_t)crc;
    while (count--) {
        crc32 = _mm_crc32_u8(crc32, *next++);
    }
    return crc32 ^ 0xFFFFFFFFu;
}
#endif

uint32_t imgedge_crc32c(const void *bytes, size_t count) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("sse4.2")) {
        return crc32c_sse42(bytes, count);
    }
#endif
    return imgedge_crc32c_portable(bytes, count);
}
