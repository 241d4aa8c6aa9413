import LeadDeckTestSupport
import Foundation

/// A private tmux server running one program, driven like a person would: keys in, screen text out.
/// The server is started with posix_spawn (Foundation.Process would hand it a pipe and hang the test).
final class Tmux {
    let socket: String
    static var available: Bool { FileManager.default.isExecutableFile(atPath: tmuxPath) }
    static let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/tmux"

    /// Starts `command` (a shell command line) in a `width` x `height` terminal with TERM=xterm-256color.
    /// Each session gets its own preferences folder (XDG_CONFIG_HOME) unless one is given, so tests never see
    /// each other's remembered sort or columns.
    convenience init(_ command: String, width: Int = 120, height: Int = 40, configHome: String? = nil) throws {
        let wrapped = "trap : INT; \(command); echo \"[exited with $?]\"; sleep 60"
        try self.init(argv: ["sh", "-c", wrapped], width: width, height: height, configHome: configHome)
    }

    /// A new, empty folder for a session's preferences.
    static func newConfigHome() -> String {
        let dir = TestFolder.path("config")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Starts the program `argv` in a `width` x `height` terminal with TERM=xterm-256color.
    init(argv: [String], width: Int, height: Int, configHome: String? = nil) throws {
        socket = "leaddeck-test-\(UUID().uuidString.prefix(8))"
        try Self.spawn(["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "\(width)", "-y", "\(height)",
                        "env", "TERM=xterm-256color", "XDG_CONFIG_HOME=\(configHome ?? Self.newConfigHome())"] + argv)
    }

    /// An interactive shell with job control (so Ctrl-Z and `fg` work), prompt `$ `; run commands with `type`.
    static func shell(width: Int = 120, height: Int = 40) throws -> Tmux {
        let bash = ["/bin/bash", "/usr/bin/bash"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let argv = bash.map { ["PS1=$ ", "HISTFILE=/dev/null", $0, "--norc", "--noprofile", "-i"] } ?? ["PS1=$ ", "ENV=", "sh", "-i"]
        return try Tmux(argv: argv, width: width, height: height)
    }

    deinit { try? Self.spawn(["-L", socket, "kill-server"]) }

    /// Runs tmux with arguments, output discarded, and waits for it.
    static func spawn(_ args: [String]) throws {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let argv = ([tmuxPath] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawn(&pid, tmuxPath, &actions, nil, argv, environ)
        guard rc == 0 else { throw NSError(domain: "tmux", code: Int(rc)) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// Sends tmux key names (Enter, Escape, Tab, C-c) or literal letters.
    func keys(_ keys: String...) throws { try Self.spawn(["-L", socket, "send-keys", "-t", "main"] + keys) }

    /// Types text literally.
    func type(_ text: String) throws { try Self.spawn(["-L", socket, "send-keys", "-t", "main", "-l", text]) }

    func resize(_ width: Int, _ height: Int) throws {
        try Self.spawn(["-L", socket, "resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The screen as text.
    func screen() -> String { output(["capture-pane", "-p", "-t", "main"]) }

    /// A tmux format about the pane, e.g. `#{mouse_sgr_flag}` (whether the program asked for SGR mouse reports).
    func format(_ format: String) -> String {
        output(["display-message", "-p", "-t", "main", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What a tmux command prints.
    func output(_ command: [String]) -> String {
        let out = TestFolder.path("tmux-capture")
        defer { try? FileManager.default.removeItem(atPath: out) }
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let args: [String] = [Self.tmuxPath, "-L", socket] + command
        let argv = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, Self.tmuxPath, &actions, nil, argv, environ) == 0 else { return "" }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    /// Waits until the screen contains `text`; returns the screen either way. The default is generous: under
    /// AddressSanitizer, beside the rest of the suite, a dashboard can take many seconds per frame.
    @discardableResult
    /// Waits until the screen satisfies `ready` (a whole frame, not one caught half drawn).
    func wait(seconds: Double = 45, until ready: (String) -> Bool) -> (found: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(seconds)
        var s = screen()
        while !ready(s) && Date() < deadline {
            usleep(100_000)
            s = screen()
        }
        return (ready(s), s)
    }

    func wait(for text: String, seconds: Double = 45) -> (found: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(seconds)
        var s = screen()
        while !s.contains(text) && Date() < deadline {
            usleep(100_000)
            s = screen()
        }
        return (s.contains(text), s)
    }
}
