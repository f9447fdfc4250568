/// What bounds one HTTP exchange, from `BackendConfiguration`, and the URL its errors name.
struct ExchangeLimits: Sendable {
    /// The request URL as errors name it (never with credentials).
    var url: String
    /// The largest body kept, in bytes (`maxReplyBytes`).
    var maxBytes: Int
    /// Seconds from start to the reply's last byte (`requestTimeout`).
    var timeout: Double
    /// Seconds without data once the reply started (`idleTimeout`).
    var idleTimeout: Double
    /// Seconds to establish the connection (`connectTimeout`), within `timeout`.
    var connectTimeout: Double

    init(url: String, configuration: BackendConfiguration) {
        self.url = url
        maxBytes = configuration.maxReplyBytes
        timeout = configuration.requestTimeout
        idleTimeout = configuration.idleTimeout
        connectTimeout = configuration.connectTimeout
    }
}
