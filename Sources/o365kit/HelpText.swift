/// Help text as ArgumentParser wants it: it wraps every line at the terminal width, so a
/// paragraph written over several source lines is joined into one line here (otherwise each
/// source line is wrapped again and single words end up on lines of their own). Indented
/// lines (examples) and blank lines stay as written.
func helpText(_ text: String) -> String {
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if let last = lines.last, !last.isEmpty, !last.hasPrefix(" "), !line.isEmpty, !line.hasPrefix(" ") {
            lines[lines.count - 1] = last + " " + line
        } else {
            lines.append(line)
        }
    }
    return lines.joined(separator: "\n")
}
