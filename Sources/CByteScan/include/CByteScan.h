#ifndef LEADDECK_CBYTESCAN_H
#define LEADDECK_CBYTESCAN_H

#include <stddef.h>
#include <stdint.h>

/// The offset of the first byte at or after `from` (of `count`) that is not printable ASCII (outside
/// 0x20-0x7E), or `count` when there is none. 64 bytes a step with AVX2 where the CPU has it, else SSE2.
size_t leaddeck_first_unprintable(const uint8_t *bytes, size_t from, size_t count);

#endif
