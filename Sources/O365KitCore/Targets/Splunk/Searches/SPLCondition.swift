/// Sigma tests as SPL `where` expressions over the raw JSON fields that the Splunk add-on
/// extracts with `KV_MODE = json` (arrays of objects become `Array{}.Key` multivalue fields).
///
/// Every test is `mvfind` with a `(?i)` regular expression, which is true when any value of a
/// single- or multivalue field matches and null (false) when the field is missing, so `NOT`
/// is true on a missing field, as in Sigma. `Array[Name]` is read from `mvzip` of the Name
/// and Value columns ("Name=Value" strings, made by `evals`).
struct SPLCondition {
    /// `eval` assignments the expressions rely on, in order.
    private(set) var evals: [String] = []

    mutating func expression(_ condition: SigmaCondition, _ detection: SigmaDetection) -> String {
        switch condition {
        case .selection(let name):
            let alternatives = detection.selection(name)!.alternatives.map { tests in
                tests.count == 1 ? expression(tests[0]) : "(" + tests.map { expression($0) }.joined(separator: " AND ") + ")"
            }
            return alternatives.count == 1 ? alternatives[0] : "(" + alternatives.joined(separator: " OR ") + ")"
        case .and(let terms): return "(" + terms.map { expression($0, detection) }.joined(separator: " AND ") + ")"
        case .or(let terms): return "(" + terms.map { expression($0, detection) }.joined(separator: " OR ") + ")"
        case .not(let inner): return "NOT " + expression(inner, detection)
        }
    }

    mutating func expression(_ t: FieldTest) -> String {
        if t.all && t.values.count > 1 {
            return "(" + t.values.map { v -> String in
                var single = t
                single.all = false
                single.values = [v]
                return expression(single)
            }.joined(separator: " AND ") + ")"
        }
        switch t.field.kind {
        case .plain:
            let field = Self.fieldName(t.field.path.joined(separator: "."))
            switch t.match {
            case .exists: return t.values == ["true"] ? "isnotnull(\(field))" : "isnull(\(field))"
            case .fieldref:
                let others = t.values.map { "lower(\(Self.fieldName($0)))" }
                return "(" + others.map { "lower(\(field))==\($0)" }.joined(separator: " OR ") + ")"
            case .cidr:
                let checks = t.values.map { "cidrmatch(\(Self.string($0)), \(field))" }
                return checks.count == 1 ? checks[0] : "(" + checks.joined(separator: " OR ") + ")"
            case .re:
                let checks = t.values.map { "isnotnull(mvfind(\(field), \(Self.string($0))))" }
                return checks.count == 1 ? checks[0] : "(" + checks.joined(separator: " OR ") + ")"
            default:
                return "isnotnull(mvfind(\(field), \(Self.string(Self.regex(t.match, t.values)))))"
            }
        case .anyEntry:
            // Splunk's JSON extraction names each entry key `Array{}.Key`; a record carrying the
            // array as one string has the field itself.
            let fields = [t.field.root] + (arrayEntryKeys[t.field.root] ?? []).map { "\(t.field.root){}.\($0)" }
            let all = "mvappend(" + fields.map { "'\($0)'" }.joined(separator: ", ") + ")"
            if t.match == .exists { return t.values == ["true"] ? "isnotnull(\(all))" : "isnull(\(all))" }
            return "isnotnull(mvfind(\(all), \(Self.string(Self.regex(t.match, t.values)))))"
        case .entryKey(let key):
            let field = Self.fieldName("\(t.field.root){}.\(key)")
            if t.match == .exists { return t.values == ["true"] ? "isnotnull(\(field))" : "isnull(\(field))" }
            return "isnotnull(mvfind(\(field), \(Self.string(Self.regex(t.match, t.values)))))"
        case .namedEntry(let name, let valueKey):
            let zipped = "o365kit_kv_\(t.field.root)" + (valueKey == "Value" ? "" : "_\(valueKey)")
            let eval = "\(zipped)=mvzip('\(t.field.root){}.Name', '\(t.field.root){}.\(valueKey)', \"=\")"
            if !evals.contains(eval) { evals.append(eval) }
            let head = "(?is)^" + Self.escape(name) + "="
            let body: String
            switch t.match {
            case .exists: body = ""
            case .equals: body = "(?:" + t.values.map(Self.escape).joined(separator: "|") + ")$"
            case .contains: body = ".*(?:" + t.values.map(Self.escape).joined(separator: "|") + ")"
            case .startswith: body = "(?:" + t.values.map(Self.escape).joined(separator: "|") + ")"
            case .endswith: body = ".*(?:" + t.values.map(Self.escape).joined(separator: "|") + ")$"
            case .re: body = ".*(?:" + t.values.joined(separator: "|") + ")"
            case .cidr, .fieldref: body = ""
            }
            let test = "isnotnull(mvfind(\(zipped), \(Self.string(head + body))))"
            if t.match == .exists && t.values == ["false"] { return "NOT " + test }
            return test
        }
    }

    /// A case-insensitive regular expression for equals/contains/startswith/endswith.
    static func regex(_ kind: MatchKind, _ values: [String]) -> String {
        let alternation = "(?:" + values.map(escape).joined(separator: "|") + ")"
        switch kind {
        case .equals: return "(?i)^" + alternation + "$"
        case .startswith: return "(?i)^" + alternation
        case .endswith: return "(?i)" + alternation + "$"
        default: return "(?i)" + alternation
        }
    }

    /// Regex metacharacters behind a backslash; everything else literal.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\^$.|?*+()[]{}/".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// An SPL string literal: `"` and `\` escaped.
    static func string(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A field in an eval expression; single quotes because names hold `.` and `{}`.
    static func fieldName(_ name: String) -> String { "'\(name)'" }
}
