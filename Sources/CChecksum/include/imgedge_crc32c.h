// CRC-32C (Castagnoli), the checksum of disk cache entries.
//
// The x86-64 SSE4.2 `crc32` instruction computes it at several GB/s, an order faster than the
// SHA-256 it replaced on every disk hit; other CPUs get a table-driven loop.

#ifndef IMGEDGE_CRC32C_H
#define IMGEDGE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// The CRC-32C of `count` bytes at `bytes` (initial value and final XOR 0xFFFFFFFF, reflected:
/// "123456789" gives 0xE3069283), with the CPU's instruction when it has one.
uint32_t imgedge_crc32c(const void *bytes, size_t count);

/// The same checksum by the table-driven loop alone, so tests can check one against the other.
uint32_t imgedge_crc32c_portable(const void *bytes, size_t count);

#endif
