import WazuhRuleEngine

/// The rule files a manager loads, in the order analysisd loads them, with the rule ids each
/// defines: the stock office365 file and the pack's files.
///
/// analysisd merges the files of every rule folder and sorts them by file name alone
/// (`src/config/rules-config.c`, `qsort(Config->includes, …, cmpr)`, where `cmpr` is a
/// `strcmp` of the part after the last `/`), so a folder says nothing about order:
/// `etc/rules/0100-x.xml` loads before `ruleset/rules/0755-office365_rules.xml`. A rule whose
/// `if_sid` or `if_matched_sid` names a rule of a later file is dropped with a warning
/// (7617/7619/7620) and `wazuh-analysisd -t` still exits 0, so verify refuses it instead.
struct WazuhLoadOrder {
    struct File {
        /// Path as written in the output (or the stock file's name).
        var path: String
        var ids: Set<Int>
    }
    /// In load order.
    let files: [File]

    init(_ files: [File]) {
        self.files = RuleSet.loadOrder(files, path: \.path)
    }

    /// The pack's two files and, in the native profile, Wazuh's office365 rules.
    init(project: ValidatedProject, translation: WazuhTarget.Translation) {
        var files = [File(path: WazuhPackPaths.rules, ids: Set(translation.pack.rules.map(\.id))),
                     File(path: WazuhDetectionPaths.rules, ids: Set(translation.detections.rules.map(\.id)))]
        if project.settings.profile == .native {
            files.append(File(path: project.native.path, ids: project.native.ids))
        }
        self.init(files)
    }

    /// Ids defined by the files that load before `path`.
    func defined(before path: String) -> Set<Int> {
        var ids: Set<Int> = []
        for file in files {
            if file.path == path { break }
            ids.formUnion(file.ids)
        }
        return ids
    }

    /// The file defining `id`, if any of them does.
    func file(defining id: Int) -> File? {
        files.first { $0.ids.contains(id) }
    }

    /// `0755-office365_rules.xml` for a path in any folder.
    static func name(_ path: String) -> Substring {
        path.split(separator: "/").last ?? Substring(path)
    }
}
