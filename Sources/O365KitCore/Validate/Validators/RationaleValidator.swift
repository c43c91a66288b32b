import Foundation

/// Every mapping should say why it holds, so a reviewer can judge it (`missing-rationale`).
struct RationaleValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        let rows = project.operations.map { ($0.rationale, $0.operation) } + project.logonErrors.map { ($0.rationale, $0.code) }
        return rows.compactMap { rationale, key in
            trimmedSpaces(Substring(rationale)).isEmpty
                ? .warning("missing-rationale", "'\(key.value)' has no rationale; say why this mapping holds", at: key.location)
                : nil
        }
    }
}
