import Foundation
import LeadDeckStore
import LeadDeckTUI

/// The dashboard's preferences file: `$XDG_CONFIG_HOME/leaddeck/config.json`, else
/// `~/.config/leaddeck/config.json`. A file that cannot be read is reported and left as it is (never
/// overwritten); the dashboard then starts with defaults.
struct PreferencesFile {
    let path: String

    /// The file for this user, from the environment.
    static func forUser(_ env: [String: String] = ProcessInfo.processInfo.environment) -> PreferencesFile? {
        if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return PreferencesFile(path: xdg + "/leaddeck/config.json") }
        guard let home = env["HOME"], !home.isEmpty else { return nil }
        return PreferencesFile(path: home + "/.config/leaddeck/config.json")
    }

    /// What is saved, nil when there is no file yet; a problem says what and where.
    func load() -> Result<DashboardPreferences?, Failure> {
        guard FileManager.default.fileExists(atPath: path) else { return .success(nil) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Failure(description: "\(path): cannot read the preferences"))
        }
        do {
            let prefs = try JSONDecoder().decode(DashboardPreferences.self, from: data)
            if prefs.version > DashboardPreferences.currentVersion {
                return .failure(Failure(description: "\(path): written by a newer leaddeck (version \(prefs.version)); using defaults and leaving it as it is"))
            }
            return .success(prefs)
        } catch {
            return .failure(Failure(description: "\(path): not valid preferences (\(Self.describe(error))); using defaults and leaving the file as it is"))
        }
    }

    /// Saves atomically (a temporary file renamed over the old one), private to the user.
    func save(_ prefs: DashboardPreferences) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(prefs)
        data.append(10)
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "\(dir): cannot write the preferences")
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw Failure(description: "\(path): cannot save the preferences (\(reason))")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.keyNotFound(_, let c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        default: return "\(error)"
        }
    }
}
