import LeadDeckTestSupport
import Foundation

/// Runs the real `leaddeck` binary built next to the tests.
enum Binary {
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let path: String = {
        var candidates: [String] = []
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("leaddeck").path)
            dir.deleteLastPathComponent()
        }
        candidates.append(repoRoot + "/.build/debug/leaddeck")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A leaddeck process for `args`, run from the repository with `LEADDECK_STORE` unset.
    static func process(_ args: [String], environment: [String: String]) -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: repoRoot)
        var env = ProcessInfo.processInfo.environment
        env["LEADDECK_STORE"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        return p
    }

    /// Runs leaddeck with `args` (and stdin text), waiting for it to end.
    @discardableResult
    static func run(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let p = process(args, environment: environment)
        // Output goes to files, so a large output can never block the child on a full pipe.
        let dir = TestFolder.path("run")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: p.terminationStatus,
                      stdout: String(decoding: FileManager.default.contents(atPath: dir + "/out") ?? Data(), as: UTF8.self),
                      stderr: String(decoding: FileManager.default.contents(atPath: dir + "/err") ?? Data(), as: UTF8.self))
    }

    /// Starts leaddeck with `args` without waiting (output discarded), for tests that kill it.
    static func start(_ args: [String]) throws -> Process {
        let p = process(args, environment: [:])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func tempStore() -> String {
        TestFolder.path("e2e") + "/store"
    }

    /// The JSON report's row for one id.
    static func row(_ reportJSON: String, _ id: String) throws -> [String: Any]? {
        let obj = try JSONSerialization.jsonObject(with: Data(reportJSON.utf8)) as! [String: Any]
        return (obj["rows"] as! [[String: Any]]).first { $0["id"] as? String == id }
    }
}
