/// Reads RFC 4180 CSV the way people edit it: a UTF-8 byte order mark and CRLF line
/// endings are accepted, blank lines are skipped, and every structural problem becomes a
/// located diagnostic instead of a silently shifted column.
public struct CSVReader {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// Parses `text`. Rows whose cell count differs from the header are reported and
    /// dropped, so later stages never see a misaligned row.
    public func read(_ text: String, diagnostics: DiagnosticCollector) -> CSVTable? {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" {
            diagnostics.emit(.warning("csv-bom", "file starts with a UTF-8 byte order mark; it is ignored, but please save without it", at: loc(1, 1)))
            scalars = scalars.dropFirst()
        }

        var records: [(SourceLocation, [Located<String>], [Bool])] = []
        var cells: [Located<String>] = []
        var quotedCells: [Bool] = []
        var cellQuoted = false
        var cell = ""
        var cellStart = loc(1, 1)
        var line = 1, column = 1
        var inQuotes = false
        var quoteOpenedAt = loc(1, 1)
        var afterClosingQuote = false
        var recordHasContent = false

        func endCell() {
            cells.append(Located(cell, at: cellStart))
            quotedCells.append(cellQuoted)
            cell = ""
            cellQuoted = false
            afterClosingQuote = false
        }

        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        cell.unicodeScalars.append("\"")
                        column += 2
                        continue
                    }
                    inQuotes = false
                    afterClosingQuote = true
                    column += 1
                    pending = next
                    continue
                }
                cell.unicodeScalars.append(c)
                if c == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                continue
            }
            switch c {
            case ",":
                endCell()
                recordHasContent = true
                column += 1
                cellStart = loc(line, column)
            case "\r", "\n":
                if c == "\r" {
                    let next = iterator.next()
                    if next != "\n" { pending = next }
                }
                if recordHasContent || !cell.isEmpty || !cells.isEmpty || afterClosingQuote {
                    endCell()
                    records.append((cells[0].location, cells, quotedCells))
                }
                cells = []
                quotedCells = []
                recordHasContent = false
                line += 1
                column = 1
                cellStart = loc(line, column)
            case "\"":
                if cell.isEmpty && !afterClosingQuote {
                    inQuotes = true
                    cellQuoted = true
                    quoteOpenedAt = loc(line, column)
                    recordHasContent = true
                } else {
                    diagnostics.emit(.error("malformed-csv", "stray quote inside an unquoted cell; quote the whole cell and double the quote (\"\")", at: loc(line, column)))
                    cell.unicodeScalars.append(c)
                }
                column += 1
            default:
                if afterClosingQuote {
                    diagnostics.emit(.error("malformed-csv", "text after the closing quote of a cell", at: loc(line, column)))
                    afterClosingQuote = false
                }
                cell.unicodeScalars.append(c)
                recordHasContent = true
                column += 1
            }
        }
        if inQuotes {
            diagnostics.emit(.error("malformed-csv", "unbalanced quote: the quoted cell opened here is never closed", at: quoteOpenedAt))
            return nil
        }
        if recordHasContent || !cell.isEmpty || !cells.isEmpty {
            endCell()
            records.append((cells[0].location, cells, quotedCells))
        }

        guard let (_, header, _) = records.first else {
            diagnostics.emit(.error("malformed-csv", "file is empty; expected a header row", at: loc(1, 1)))
            return nil
        }
        var rows: [CSVTable.Row] = []
        for (location, rowCells, quoted) in records.dropFirst() {
            if rowCells.count != header.count {
                diagnostics.emit(.error("malformed-csv", "row has \(rowCells.count) cells but the header has \(header.count)", at: location))
                continue
            }
            rows.append(CSVTable.Row(location: location, cells: rowCells, quoted: quoted))
        }
        return CSVTable(path: path, header: header, rows: rows)
    }

    private func loc(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column)
    }
}
