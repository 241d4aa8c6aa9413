import LeadDeckCore

extension Store {
    /// `keys.json`: the API keys, hashes only.
    public var keysPath: String { "\(directory)/keys.json" }

    /// The API keys as saved; an empty ring when no key was ever added. Never writes.
    /// - Throws: `StoreError` of kind `.damaged` naming `keys.json` (and line and column) when it is not a
    ///   valid keys document, `.io` when it cannot be read.
    public func apiKeys() throws(StoreError) -> KeyRing {
        // lstat, not access(): a symbolic link in its place is refused by the read (O_NOFOLLOW), not taken for "none".
        guard fs.status(keysPath) != nil else { return KeyRing() }
        let doc = try Self.readDocument(KeysDocument.self, keysPath, current: KeysDocument.current, fs: fs)
        let ring = doc.ring
        if let first = ring.validationErrors().first { throw StoreError("\(keysPath): \(first)", kind: .damaged) }
        return ring
    }

    /// Changes the API keys under the write lock: reads `keys.json`, lets `body` change the ring, and saves it
    /// atomically (temp file, fsync, rename; mode 0600) when it changed. Returns the ring now in force. When
    /// `body` throws, nothing is written.
    /// - Throws: what `body` throws; `StoreError` of kind `.damaged` when `keys.json` is unreadable (it is
    ///   left as it is), `.badInput` when `body` leaves the ring invalid, `.io` when saving fails.
    @discardableResult
    public func changeKeys(_ body: (inout KeyRing) throws(StoreError) -> Void) throws(StoreError) -> KeyRing {
        try withWriteLock { () throws(StoreError) -> KeyRing in
            let before = try apiKeys()
            var ring = before
            try body(&ring)
            guard ring != before else { return ring }
            if let first = ring.validationErrors().first { throw StoreError(first, kind: .badInput) }
            try io { () throws(FileSystemError) in try fs.replaceAtomically(keysPath, with: JSONFile.encodePretty(KeysDocument(ring: ring))) }
            return ring
        }
    }

    /// A cheap fingerprint of `keys.json` (inode, size, modification and change times), nil while it does not
    /// exist. Every save replaces the file, so the fingerprint changes; a server compares it per request and
    /// reads the keys again only when it did.
    public func keysStamp() -> String? {
        guard let st = fs.status(keysPath) else { return nil }
        return "\(st.inode)-\(st.size)-\(st.modifiedNanoseconds)-\(st.changedNanoseconds)"
    }
}
