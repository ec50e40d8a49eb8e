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
/// One `crc32` instruction takes 3 cycles to give its result to the next, but a new one can start
/// every cycle: three streams over three neighbouring blocks keep it busy, and their CRCs are
/// then joined. A CRC register is linear in the data, so the register after blocks A and B is
/// the register after A multiplied by x^(8|B|) modulo the polynomial, XOR the register of B
/// alone (started at 0). Each block length has a table that does that multiplication 8 bits at
/// a time.
enum { long_block = 8192, short_block = 256 };
static uint32_t shift_long[4][256];
static uint32_t shift_short[4][256];
static pthread_once_t shift_once = PTHREAD_ONCE_INIT;

/// a * b modulo the polynomial, both in the reflected order, where x^0 is the top bit.
static uint32_t multiply_modulo(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
        if (a & bit) {
            product ^= b;
        }
        b = (b >> 1) ^ (polynomial & (0u - (b & 1u)));
    }
    return product;
}

/// x^(8 * bytes) modulo the polynomial: what shifting a register past `bytes` zero bytes multiplies it by.
static uint32_t power_for_bytes(size_t bytes) {
    uint32_t result = 1u << 31;  // x^0
    uint32_t square = 1u << 30;  // x^1, then x^2, x^4, ...
    for (size_t exponent = 8 * bytes; exponent != 0; exponent >>= 1) {
        if (exponent & 1) {
            result = multiply_modulo(square, result);
        }
        square = multiply_modulo(square, square);
    }
    return result;
}

static void fill_shift_table(uint32_t table[4][256], size_t bytes) {
    uint32_t power = power_for_bytes(bytes);
    for (int lane = 0; lane < 4; lane++) {
        for (uint32_t byte = 0; byte < 256; byte++) {
            table[lane][byte] = multiply_modulo(power, byte << (8 * lane));
        }
    }
}

static void fill_shift_tables(void) {
    fill_shift_table(shift_long, long_block);
    fill_shift_table(shift_short, short_block);
}

/// The register `crc` shifted past the table's block of zero bytes.
static uint32_t shifted(const uint32_t table[4][256], uint32_t crc) {
    return table[0][crc & 0xFFu] ^ table[1][(crc >> 8) & 0xFFu] ^ table[2][(crc >> 16) & 0xFFu] ^ table[3][crc >> 24];
}

static uint64_t load_word(const uint8_t *bytes) {
    uint64_t word;
    memcpy(&word, bytes, sizeof word);
    return word;
}

/// Runs `crc` over as many rounds of three `block`-byte blocks as `*next` holds, advancing it.
__attribute__((target("sse4.2")))
static uint64_t crc32c_three_streams(
    uint64_t crc, const uint8_t **next, size_t *count, size_t block, const uint32_t table[4][256]
) {
    while (*count >= 3 * block) {
        const uint8_t *first = *next;
        uint64_t second = 0, third = 0;
        for (size_t offset = 0; offset < block; offset += 8) {
            crc = _mm_crc32_u64(crc, load_word(first + offset));
            second = _mm_crc32_u64(second, load_word(first + block + offset));
            third = _mm_crc32_u64(third, load_word(first + 2 * block + offset));
        }
        crc = shifted(table, shifted(table, (uint32_t)crc) ^ (uint32_t)second) ^ (uint32_t)third;
        *next += 3 * block;
        *count -= 3 * block;
    }
    return crc;
}

__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(const uint8_t *next, size_t count) {
    pthread_once(&shift_once, fill_shift_tables);
    uint64_t crc = 0xFFFFFFFFu;
    crc = crc32c_three_streams(crc, &next, &count, long_block, (const uint32_t (*)[256])shift_long);
    crc = crc32c_three_streams(crc, &next, &count, short_block, (const uint32_t (*)[256])shift_short);
    for (; count >= 8; next += 8, count -= 8) {
        crc = _mm_crc32_u64(crc, load_word(next));
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
