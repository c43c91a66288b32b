import Foundation

/// A loaded ruleset with analysisd's tree semantics.
///
/// Files load in analysisd's order, whatever order they are given in: the rule files of
/// every rule directory are sorted together by file name alone (`src/config/rules-config.c`
/// sorts `Config->includes` with `qsort` and a `strcmp` of the part after the last `/`), so
/// `etc/rules/0100-x.xml` loads before `ruleset/rules/0755-office365_rules.xml`. Then, as in
/// `rules_list.c`:
/// - a rule with `if_sid`/`if_group`/`if_level` becomes a child of every matching rule that
///   is already loaded (a parent must come first, even within one file); others are roots;
/// - siblings are kept sorted by level, highest first, level 0 counting as 99, equal levels
///   in load order;
/// - a duplicate id is a warning (the first occurrence wins) unless `overwrite="yes"`;
/// - an unknown `if_sid` is a warning and is dropped; with no parent left the rule is skipped;
/// - a `<list>` whose path is not configured is a warning and the rule is skipped.
public struct RuleSet: Sendable {
    /// The rules that were loaded, in load order (skipped rules are absent).
    public let rules: [RuleDefinition]
    /// Everything analysisd would only warn about, plus constructs this evaluator skips.
    public let warnings: [RuleDiagnostic]
    /// Configured CDB lists by path.
    public let lists: [String: CDBList]

    /// A position in the evaluation tree; one rule can appear under several parents.
    struct Node: Sendable {
        var rule: Int
        var children: [Int]
    }
    private(set) var nodes: [Node] = []
    private(set) var roots: [Int] = []
    private var indexByID: [Int: Int] = [:]

    /// Loads rule files in analysisd's order, with CDB lists keyed by the path rules use in `<list>`.
    /// - Throws: `RuleLoadError` with the fatal problems of every file.
    public init(files: [(path: String, data: Data)], lists: [String: Data] = [:]) throws(RuleLoadError) {
        var parsed: [RuleFile] = []
        var errors: [RuleDiagnostic] = []
        for file in RuleSet.loadOrder(files, path: \.path) {
            do { parsed.append(try RuleFile(data: file.data, path: file.path)) } catch { errors += error.errors }
        }
        if !errors.isEmpty { throw RuleLoadError(errors: errors) }
        self.init(ruleFiles: parsed, lists: lists.mapValues { CDBList(data: $0) })
    }

    /// Builds the tree from already parsed files, in analysisd's order.
    public init(ruleFiles: [RuleFile], lists: [String: CDBList] = [:]) {
        self.lists = lists
        var builder = Builder(lists: lists)
        for file in RuleSet.loadOrder(ruleFiles, path: \.path) {
            builder.warnings += file.warnings
            for rule in file.rules { builder.add(rule) }
        }
        rules = builder.rules
        warnings = builder.warnings
        nodes = builder.nodes
        roots = builder.roots
        indexByID = builder.indexByID
    }

    /// `items` in the order analysisd loads their files: by the bytes of the file name (the
    /// part after the last `/`), directories ignored. analysisd's `qsort` is not stable; files
    /// of equal names keep the order given here, which a real manager does not promise.
    public static func loadOrder<T>(_ items: [T], path: (T) -> String) -> [T] {
        func name(_ item: T) -> Substring.UTF8View {
            let full = path(item)
            return (full.lastIndex(of: "/").map { full[full.index(after: $0)...] } ?? full[...]).utf8
        }
        return items.enumerated().sorted { a, b in
            let x = name(a.element), y = name(b.element)
            return x.elementsEqual(y) ? a.offset < b.offset : x.lexicographicallyPrecedes(y)
        }.map(\.element)
    }

    /// The loaded rule with `id`, if any.
    public func rule(id: Int) -> RuleDefinition? {
        indexByID[id].map { rules[$0] }
    }

    /// Ids of the top-level rules, in evaluation order.
    public var rootIDs: [Int] { roots.map { rules[nodes[$0].rule].id } }

    /// Ids of the children of rule `id`, in evaluation order (from its first position in the tree).
    public func childIDs(of id: Int) -> [Int] {
        guard let index = indexByID[id], let node = nodes.first(where: { $0.rule == index }) else { return [] }
        return node.children.map { rules[nodes[$0].rule].id }
    }

    /// Level used for ordering siblings: analysisd stores level 0 as 99 so it is tried first.
    static func sortLevel(_ level: Int) -> Int { level == 0 ? 99 : level }

    private struct Builder {
        let lists: [String: CDBList]
        var rules: [RuleDefinition] = []
        var warnings: [RuleDiagnostic] = []
        var nodes: [Node] = []
        var roots: [Int] = []
        var indexByID: [Int: Int] = [:]

        mutating func add(_ rule: RuleDefinition) {
            let at = rule.source
            if let existing = indexByID[rule.id] {
                guard rule.overwrite else {
                    warnings.append(.warning(at, "(7612) duplicate rule id \(rule.id); only the first occurrence (\(rules[existing].source)) is considered"))
                    return
                }
                // overwrite="yes": the body changes, the position in the tree does not.
                var replacement = rule
                let original = rules[existing]
                if original.ifSids != rule.ifSids || original.ifGroup != rule.ifGroup || original.ifLevel != rule.ifLevel {
                    warnings.append(.warning(at, "(7605) rule \(rule.id): if_sid, if_group and if_level cannot be overwritten; the original ones are kept"))
                }
                replacement.ifSids = original.ifSids
                replacement.ifGroup = original.ifGroup
                replacement.ifLevel = original.ifLevel
                rules[existing] = replacement
                return
            }
            if rule.overwrite {
                warnings.append(.warning(at, "(7613) rule \(rule.id) has overwrite=\"yes\" but no rule to overwrite; loaded normally"))
            }
            for list in rule.lists where lists[list.path] == nil {
                warnings.append(.warning(at, "(7616) list '\(list.path)' is not configured; rule \(rule.id) ignored"))
                return
            }
            if let matched = rule.ifMatchedSid, indexByID[matched] == nil {
                warnings.append(.warning(at, "(7620) if_matched_sid \(matched) of rule \(rule.id) not found; rule ignored"))
                return
            }
            for element in Set(rule.unsupported).sorted() {
                warnings.append(.warning(at, "rule \(rule.id) uses <\(element)>, which this evaluator does not implement; it never matches here"))
            }

            // Find the parent nodes before registering the rule.
            var parents: [Int] = []
            if !rule.ifSids.isEmpty {
                for sid in rule.ifSids {
                    guard let parentRule = indexByID[sid] else {
                        warnings.append(.warning(at, "(7617) signature id \(sid) was not found and will be ignored in the if_sid of rule \(rule.id)"))
                        continue
                    }
                    parents += nodes.indices.filter { nodes[$0].rule == parentRule }
                }
                if parents.isEmpty {
                    warnings.append(.warning(at, "(7619) no valid if_sid for rule \(rule.id); rule ignored"))
                    return
                }
            } else if let group = rule.ifGroup {
                parents = nodes.indices.filter { rules[nodes[$0].rule].groups.contains(group) }
                if parents.isEmpty {
                    warnings.append(.warning(at, "(7610) group '\(group)' was not found; rule \(rule.id) ignored"))
                    return
                }
            } else if let level = rule.ifLevel {
                // Stored levels compare, so level-0 rules (stored as 99) count as high.
                parents = nodes.indices.filter { RuleSet.sortLevel(rules[nodes[$0].rule].level) >= level }
                if parents.isEmpty {
                    warnings.append(.warning(at, "no rule of level \(level) or more for the if_level of rule \(rule.id); rule ignored"))
                    return
                }
            }

            let index = rules.count
            rules.append(rule)
            indexByID[rule.id] = index
            if parents.isEmpty {
                let node = newNode(index)
                roots.insert(node, at: position(of: node, in: roots))
            } else {
                for parent in parents {
                    let node = newNode(index)
                    nodes[parent].children.insert(node, at: position(of: node, in: nodes[parent].children))
                }
            }
        }

        private mutating func newNode(_ rule: Int) -> Int {
            nodes.append(Node(rule: rule, children: []))
            return nodes.count - 1
        }

        /// Where `node` goes among `siblings`: before the first of strictly lower (stored) level.
        private func position(of node: Int, in siblings: [Int]) -> Int {
            let level = RuleSet.sortLevel(rules[nodes[node].rule].level)
            return siblings.firstIndex { RuleSet.sortLevel(rules[nodes[$0].rule].level) < level } ?? siblings.count
        }
    }
}
