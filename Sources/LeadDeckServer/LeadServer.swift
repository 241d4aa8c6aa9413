import Hummingbird
import Logging
import ServiceLifecycle

/// Runs the exchange API over HTTP/1.1 until shut down: on SIGTERM or SIGINT (when `handleSignals`), or
/// when `shutdown()` is called. Shutting down stops accepting connections and lets requests in flight finish;
/// the caller then stops the `DeskService` (which answers what is queued and saves a checkpoint).
public final class LeadServer: Sendable {
    private let group: ServiceGroup

    /// - Parameters:
    ///   - host: the address to bind (loopback by default in the CLI).
    ///   - port: the port, 0 for any free one (`onListening` says which).
    ///   - onListening: called with the bound port once the server accepts connections.
    public init(api: ExchangeAPI, host: String, port: Int, handleSignals: Bool,
                onListening: @escaping @Sendable (Int) async -> Void) {
        var logger = Logger(label: "leaddeck.serve")
        logger.logLevel = .error
        let app = Application(responder: api,
                              configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
                              onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                              logger: logger)
        group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
    }

    /// Serves until shut down.
    /// - Throws: when the address cannot be bound.
    public func run() async throws { try await group.run() }

    /// Stops accepting, lets requests in flight finish, and makes `run` return.
    public func shutdown() async { await group.triggerGracefulShutdown() }
}
