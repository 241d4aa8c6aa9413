import Foundation

/// Temporary files and folders for tests: all under one folder per test process, removed when the process exits,
/// so test runs do not pile stores up in the system's temp directory (each run makes hundreds, some of 18 MB).
public enum TestFolder {
    /// The test process's folder, made on first use; its removal at exit is registered then.
    public static let root: String = {
        let dir = NSTemporaryDirectory() + "leaddeck-tests-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)  // a folder left by an earlier process of the same id
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestFolder.root) }
        return dir
    }()

    /// A new path under `root` whose name begins with `prefix`; nothing is made there.
    public static func path(_ prefix: String) -> String {
        root + "/\(prefix)-\(UUID().uuidString.prefix(8))"
    }

    /// A new, empty folder under `root` whose name begins with `prefix`.
    public static func make(_ prefix: String) -> String {
        let dir = path(prefix)
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
