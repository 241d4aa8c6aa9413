/// The dashboard runs all day, so its heap is kept lean (issue 9: peak memory at most 10 MB above the shared
/// libraries'). glibc's defaults suit short, allocation-heavy runs instead: every thread that allocates gets an
/// arena of its own (the engine's batches are encoded and folded on worker threads), and freed memory is kept
/// for reuse up to a threshold that grows with the largest block freed (a 2-hour catch-up batch).
enum LeanHeap {
    /// One arena for every thread; blocks of 64 KB or more mapped apart (returned when freed), and free memory
    /// above 128 KB at the top of the heap returned at once. Call before anything is allocated in earnest.
    static func apply() {
        #if os(Linux)
        // glibc's <malloc.h> parameters (not in Swift's Glibc module).
        let (trimThreshold, mmapThreshold, arenaMax): (Int32, Int32, Int32) = (-1, -3, -8)
        _ = glibcMallopt(arenaMax, 1)
        _ = glibcMallopt(mmapThreshold, 64 * 1024)
        _ = glibcMallopt(trimThreshold, 128 * 1024)
        #endif
    }
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)`.
@_silgen_name("mallopt")
private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif
