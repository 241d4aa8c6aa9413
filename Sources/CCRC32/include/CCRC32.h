#ifndef LEADDECK_CCRC32_H
#define LEADDECK_CCRC32_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has carry-less multiplication (x86-64 PCLMULQDQ with SSE4.1), so
/// `leaddeck_crc32_fold` may be called. Always 0 on other CPUs.
int leaddeck_crc32_fold_available(void);

/// Continues a CRC-32 (IEEE 802.3, reflected, as zlib) over `length` bytes by folding with carry-less
/// multiplication. `state` is the running register (the inverted CRC, ~0 at the start), and so is the result.
/// `length` must be at least 64 and a multiple of 16; call only when `leaddeck_crc32_fold_available()`.
uint32_t leaddeck_crc32_fold(uint32_t state, const uint8_t *bytes, size_t length);

/// `leaddeck_crc32_fold` over 64 bytes at `first` and then `length` bytes at `rest` (0 or more, a multiple of
/// 16), as if they were one run: for a message whose first bytes are gathered apart.
uint32_t leaddeck_crc32_fold_after(uint32_t state, const uint8_t *first, const uint8_t *rest, size_t length);

#endif
