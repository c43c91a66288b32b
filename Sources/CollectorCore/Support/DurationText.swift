import Foundation

/// Durations as written in the configuration: a whole number with s, m, h or d (`300s`, `24h`, `7d`).
public enum DurationText {
    /// Parses `text`, or returns nil when it is not of that form.
    public static func parse(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let unit = t.last, let n = Int64(t.dropLast()), n >= 0 else { return nil }
        switch unit {
        case "s": return .seconds(n)
        case "m": return .seconds(n * 60)
        case "h": return .seconds(n * 3_600)
        case "d": return .seconds(n * 86_400)
        default: return nil
        }
    }

    /// Formats with the largest unit that divides the value (`24h`, `90m`, `7d`).
    public static func format(_ d: Duration) -> String {
        let s = d.components.seconds
        if s != 0 && s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s != 0 && s % 3_600 == 0 { return "\(s / 3_600)h" }
        if s != 0 && s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }

    /// A rough human rendering of a span in seconds for logs (`2h05m`, `41s`).
    public static func humanize(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3_600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        if s < 86_400 { return "\(s / 3_600)h\(String(format: "%02d", (s % 3_600) / 60))m" }
        return "\(s / 86_400)d\(String(format: "%02d", (s % 86_400) / 3_600))h"
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
