// The printable-ASCII scan `log --json` runs over every byte of the log (it finds each line's end, the first byte
// that is not printable, and learns whether the line is plain in the same pass). A byte b is printable ASCII
// (0x20-0x7E) exactly when b + 1, wrapping, is greater than 0x20 as a signed byte: 0x7F becomes -128 and every
// byte from 0x80 up becomes negative or zero. So one add and one signed compare judge 16 or 32 bytes.
#include "CByteScan.h"
#include <string.h>

// Hex digit values of either case; 16 for a byte that is not one.
static const uint8_t hex_values[256] = {
    [0 ... 255] = 16,
    ['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5, ['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9,
    ['a'] = 10, ['b'] = 11, ['c'] = 12, ['d'] = 13, ['e'] = 14, ['f'] = 15,
    ['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13, ['E'] = 14, ['F'] = 15,
};

static uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

int leaddeck_frame_record(const uint8_t *line, size_t n, int64_t expected, const uint8_t *endings,
                          const uint8_t *ending_lengths, int kinds, leaddeck_framed *out) {
    // {"seq":N,"crc":"xxxxxxxx","e":EVENT}, N of 1 to 18 digits, EVENT at least 9 bytes (a kind's ending).
    if (n < 7 + 1 + 8 + 8 + 6 + 9 + 1 || (load64(line) & 0x00FFFFFFFFFFFFFFull) != (load64((const uint8_t *)"{\"seq\":\0") & 0x00FFFFFFFFFFFFFFull)) return 0;
    size_t i = 7;
    int64_t seq = 0;
    while (i < n && (uint8_t)(line[i] - '0') < 10 && i - 7 < 18) {
        seq = seq * 10 + (line[i] - '0');
        i++;
    }
    size_t digits = i - 7;
    if (digits == 0 || (i < n && (uint8_t)(line[i] - '0') < 10) || seq != expected) return 0;
    if (n - i < 8 + 8 + 6 + 9 + 1 || load64(line + i) != load64((const uint8_t *)",\"crc\":\"")) return 0;
    i += 8;
    uint32_t crc = 0;
    uint8_t bad = 0;
    for (size_t k = 0; k < 8; k++) {
        uint8_t v = hex_values[line[i + k]];
        bad |= v;
        crc = crc << 4 | (uint32_t)(v & 15);
    }
    i += 8;
    if ((bad & 16) || (load64(line + i) & 0xFFFFFFFFFFFFull) != (load64((const uint8_t *)"\",\"e\":\0\0") & 0xFFFFFFFFFFFFull)
        || line[n - 1] != '}') return 0;
    i += 6;
    size_t payload = n - 1 - i;
    const uint8_t *end = line + n - 1;
    uint64_t tail = load64(end - 8);
    const uint8_t *e = endings;
    int known = 0;
    for (int k = 0; k < kinds; k++) {
        size_t len = ending_lengths[k];
        if (payload > len && tail == load64(e + len - 8) && memcmp(end - len, e, len - 8) == 0) { known = 1; break; }
        e += len;
    }
    if (!known) return 0;
    out->payload_start = i;
    out->crc = crc;
    out->digits = (int)digits;
    return 1;
}

static size_t first_unprintable_scalar(const uint8_t *p, size_t i, size_t n) {
    for (; i < n; i++) {
        if (p[i] < 0x20 || p[i] >= 0x7F) return i;
    }
    return n;
}

#if defined(__x86_64__)
#include <immintrin.h>

static size_t first_unprintable_sse2(const uint8_t *p, size_t i, size_t n) {
    const __m128i one = _mm_set1_epi8(1), space = _mm_set1_epi8(0x20);
    while (i + 64 <= n) {
        __m128i a = _mm_cmpgt_epi8(_mm_add_epi8(_mm_loadu_si128((const __m128i *)(p + i)), one), space);
        __m128i b = _mm_cmpgt_epi8(_mm_add_epi8(_mm_loadu_si128((const __m128i *)(p + i + 16)), one), space);
        __m128i c = _mm_cmpgt_epi8(_mm_add_epi8(_mm_loadu_si128((const __m128i *)(p + i + 32)), one), space);
        __m128i d = _mm_cmpgt_epi8(_mm_add_epi8(_mm_loadu_si128((const __m128i *)(p + i + 48)), one), space);
        if (_mm_movemask_epi8(_mm_and_si128(_mm_and_si128(a, b), _mm_and_si128(c, d))) != 0xFFFF) break;
        i += 64;
    }
    while (i + 16 <= n) {
        unsigned ok = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_add_epi8(_mm_loadu_si128((const __m128i *)(p + i)), one), space));
        if (ok != 0xFFFF) return i + (size_t)__builtin_ctz(~ok);
        i += 16;
    }
    return first_unprintable_scalar(p, i, n);
}

__attribute__((target("avx2")))
static size_t first_unprintable_avx2(const uint8_t *p, size_t i, size_t n) {
    const __m256i one = _mm256_set1_epi8(1), space = _mm256_set1_epi8(0x20);
    while (i + 64 <= n) {
        __m256i a = _mm256_cmpgt_epi8(_mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(p + i)), one), space);
        __m256i b = _mm256_cmpgt_epi8(_mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(p + i + 32)), one), space);
        if ((unsigned)_mm256_movemask_epi8(_mm256_and_si256(a, b)) != 0xFFFFFFFFu) {
            unsigned oka = (unsigned)_mm256_movemask_epi8(a);
            if (oka != 0xFFFFFFFFu) return i + (size_t)__builtin_ctz(~oka);
            return i + 32 + (size_t)__builtin_ctz(~(unsigned)_mm256_movemask_epi8(b));
        }
        i += 64;
    }
    while (i + 32 <= n) {
        unsigned ok = (unsigned)_mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(p + i)), one), space));
        if (ok != 0xFFFFFFFFu) return i + (size_t)__builtin_ctz(~ok);
        i += 32;
    }
    return first_unprintable_sse2(p, i, n);
}

size_t leaddeck_first_unprintable(const uint8_t *bytes, size_t from, size_t count) {
    // Worked out once; threads that race to it store the same value.
    static int known = -1;
    int avx2 = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (avx2 < 0) {
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&known, avx2, __ATOMIC_RELAXED);
    }
    return avx2 ? first_unprintable_avx2(bytes, from, count) : first_unprintable_sse2(bytes, from, count);
}

#else

size_t leaddeck_first_unprintable(const uint8_t *bytes, size_t from, size_t count) {
    return first_unprintable_scalar(bytes, from, count);
}

#endif
