/// The detections grouped by how often they fire (`o365kit.volume`) and by level, so a site can
/// enable the rare and loud ones first and the noisy ones after tuning.
public struct DetectionVolumes: Sendable, Encodable, Equatable {
    public struct Group: Sendable, Encodable, Equatable {
        public var volume: String
        public var rules: Int
        /// Rules per Sigma level; levels with none are left out (the text lists the loudest first).
        public var levels: [String: Int]
    }

    public var groups: [Group]

    public init(_ detections: DetectionSet) {
        let rules = detections.rules
        var groups: [Group] = []
        let volumes: [DetectionVolume?] = DetectionVolume.allCases + [nil]
        for volume in volumes {
            let members = rules.filter { $0.volume == volume }
            if members.isEmpty { continue }
            var levels: [String: Int] = [:]
            for rule in members { levels[rule.level.value.rawValue, default: 0] += 1 }
            groups.append(Group(volume: volume?.rawValue ?? "unstated", rules: members.count, levels: levels))
        }
        self.groups = groups
    }

    /// `detections by volume: rare 12 (high 9, medium 3), occasional 10 (…), …`
    public var text: String {
        let loudestFirst = SigmaLevel.allCases.reversed().map(\.rawValue)
        return "detections by volume: " + groups.map { group in
            let levels = loudestFirst.compactMap { level in group.levels[level].map { "\(level) \($0)" } }
            return "\(group.volume) \(group.rules) (\(levels.joined(separator: ", ")))"
        }.joined(separator: ", ")
    }
}
