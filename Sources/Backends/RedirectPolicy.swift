import Foundation

/// Which redirects a backend request follows. Credentials (the API key, or userinfo from the
/// configured URL) are sent only to the configured origin, so a redirect to any other scheme, host or
/// port is refused rather than followed without them (the server meant the request to go there: a
/// silent retry elsewhere without the key would only fail later and less clearly). Within the
/// origin, 307 and 308 repeat the request as it was (method, body, headers); 301, 302 and 303 would
/// turn a POST into a GET without its body, so they are followed for GET only.
enum RedirectPolicy {
    /// At most this many redirects per request (a loop ends with an error, not a hang).
    static let maxRedirects = 5

    /// The URL to repeat `method` at after `status` with `location` from `from`; throws
    /// `redirectRefused` naming the reason when the redirect is not followed.
    static func target(status: Int, location: String, method: String, from: URL) throws(BackendError) -> URL {
        let shown = Redaction.redact(location)
        func refuse(_ reason: String) -> BackendError {
            .redirectRefused(url: from.absoluteString, status: status, location: shown, reason: reason)
        }
        guard let target = URL(string: location, relativeTo: from)?.absoluteURL, target.host != nil else {
            throw refuse("the location is not a URL")
        }
        guard origin(of: target) == origin(of: from) else {
            throw refuse("it leads to another origin (\(origin(of: target).text), not \(origin(of: from).text)); "
                + "credentials are sent only to the configured server: configure the backend with the URL the server redirects to if it is trusted")
        }
        switch status {
        case 307, 308:
            return target
        case 301...303 where method == "GET":
            return target
        case 301...303:
            throw refuse("HTTP \(status) would repeat the \(method) as a GET without its body; configure the URL the server redirects to")
        default:
            throw refuse("HTTP \(status) is not a redirect VSynth follows")
        }
    }

    /// Scheme, host and port (the scheme's default port when none is written), lowercased.
    static func origin(of url: URL) -> (scheme: String, host: String, port: Int, text: String) {
        let scheme = url.scheme?.lowercased() ?? ""
        let host = url.host?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return (scheme, host, port, "\(scheme)://\(host):\(port)")
    }
}
