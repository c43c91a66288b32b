/// A CSV file read into header and rows, each cell with the location where it starts.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        /// The location of the row's first cell (its line is the row's line).
        public var location: SourceLocation
        public var cells: [Located<String>]
        /// Whether each cell was written in quotes: a quoted cell keeps white space at its
        /// ends on purpose.
        public var quoted: [Bool]
    }

    public var path: String
    public var header: [Located<String>]
    public var rows: [Row]

    /// The index of a header column, matched exactly.
    public func column(named name: String) -> Int? {
        header.firstIndex { $0.value == name }
    }
}
