#ifndef LEADDECK_CBYTESCAN_H
#define LEADDECK_CBYTESCAN_H

#include <stddef.h>
#include <stdint.h>

/// The offset of the first byte at or after `from` (of `count`) that is not printable ASCII (outside
/// 0x20-0x7E), or `count` when there is none. 64 bytes a step with AVX2 where the CPU has it, else SSE2.
size_t leaddeck_first_unprintable(const uint8_t *bytes, size_t from, size_t count);

/// What `leaddeck_frame_record` found in a line framed as a good record: where its event starts (its bytes run
/// to the line's last byte, the record's closing brace, exclusive), the checksum the line states and how many
/// digits its sequence number has.
typedef struct {
    size_t payload_start;
    uint32_t crc;
    int digits;
} leaddeck_framed;

/// Whether `line` (without its newline) is framed as a good record of the event log, with sequence number
/// `expected` and an event ending in one of the `kinds` endings (`endings` holds them one after another,
/// `ending_lengths` their lengths): `{"seq":N,"crc":"xxxxxxxx","e":EVENT}` with N of 1 to 18 digits and the
/// checksum in hex digits of either case. Fills `out` and returns 1 when it is; 0 otherwise. The checksum itself
/// is not compared here.
int leaddeck_frame_record(const uint8_t *line, size_t count, int64_t expected, const uint8_t *endings,
                          const uint8_t *ending_lengths, int kinds, leaddeck_framed *out);

#endif
