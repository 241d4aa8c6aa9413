// The printable-ASCII scan `log --json` runs over every byte of the log (it finds each line's end, the first byte
// that is not printable, and learns whether the line is plain in the same pass). A byte b is printable ASCII
// (0x20-0x7E) exactly when b + 1, wrapping, is greater than 0x20 as a signed byte: 0x7F becomes -128 and every
// byte from 0x80 up becomes negative or zero. So one add and one signed compare judge 16 or 32 bytes.
#include "CByteScan.h"

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
