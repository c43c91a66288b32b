/// Reads RFC 4180 CSV the way people edit it: a UTF-8 byte order mark and CRLF line
/// endings are accepted, blank lines are skipped, and every structural problem becomes a
/// located diagnostic instead of a silently shifted column.
///
/// It works on UTF-8 bytes (columns are counted in Unicode scalars, as editors and Yams
/// do), because the canonical tables may be large and `Character` iteration is slow.
public struct CSVReader {
    public var path: String
    /// The longest cell accepted: the tables' longest (a rationale) is under 400 bytes, and an
    /// unbounded cell (a missing closing quote, a pasted file) would go into every later stage.
    public static let maxCellBytes = 4_096

    public init(path: String) {
        self.path = path
    }

    /// Parses `text`. Rows whose cell count differs from the header are reported and
    /// dropped, so later stages never see a misaligned row.
    public func read(_ text: String, diagnostics: DiagnosticCollector) -> CSVTable? {
        var bytes = Array(text.utf8)
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            diagnostics.emit(.warning("csv-bom", "file starts with a UTF-8 byte order mark; it is ignored, but please save without it", at: loc(1, 1)))
            start = 3
        }
        bytes.append(UInt8(ascii: "\n"))  // a sentinel: every record ends with a newline

        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var records: [(SourceLocation, [Located<String>], [Bool])] = []
        var cells: [Located<String>] = []
        var quoted: [Bool] = []
        var cell: [UInt8] = []
        var cellStart = loc(1, 1)
        var cellQuoted = false
        var line = 1, column = 1
        var i = start
        var lineHasContent = false

        func endCell() {
            if cell.count > Self.maxCellBytes {
                diagnostics.emit(.error("malformed-cell", "the cell is \(cell.count) bytes long; the limit is \(Self.maxCellBytes)", at: cellStart))
                cell.removeAll(keepingCapacity: true)
            }
            cells.append(Located(String(decoding: cell, as: UTF8.self), at: cellStart))
            quoted.append(cellQuoted)
            cell.removeAll(keepingCapacity: true)
            cellQuoted = false
        }
        func advance(_ byte: UInt8) {
            // Continuation bytes do not start a new scalar, so they do not move the column.
            if byte & 0xC0 != 0x80 { column += 1 }
        }

        while i < bytes.count {
            let byte = bytes[i]
            if byte == quote && cell.isEmpty && !cellQuoted {
                // A quoted cell: read to the closing quote, "" standing for one quote.
                let opened = loc(line, column)
                cellQuoted = true
                lineHasContent = true
                column += 1
                i += 1
                var closed = false
                while i < bytes.count - 1 {
                    let b = bytes[i]
                    if b == quote {
                        if bytes[i + 1] == quote {
                            cell.append(quote)
                            column += 2
                            i += 2
                            continue
                        }
                        closed = true
                        column += 1
                        i += 1
                        break
                    }
                    cell.append(b)
                    if b == newline {
                        line += 1
                        column = 1
                    } else {
                        advance(b)
                    }
                    i += 1
                }
                if !closed {
                    diagnostics.emit(.error("malformed-csv", "unbalanced quote: the quoted cell opened here is never closed", at: opened))
                    return nil
                }
                let next = bytes[i]
                if next != comma && next != newline && next != carriageReturn {
                    diagnostics.emit(.error("malformed-csv", "text after the closing quote of a cell", at: loc(line, column)))
                }
                continue
            }
            switch byte {
            case comma:
                endCell()
                lineHasContent = true
                column += 1
                cellStart = loc(line, column)
            case carriageReturn where bytes[i + 1] == newline:
                break  // the newline that follows ends the record
            case newline, carriageReturn:
                if lineHasContent || !cell.isEmpty {
                    endCell()
                    records.append((cells[0].location, cells, quoted))
                }
                cells.removeAll()
                quoted.removeAll()
                cell.removeAll(keepingCapacity: true)
                cellQuoted = false
                lineHasContent = false
                line += 1
                column = 1
                cellStart = loc(line, column)
            case quote:
                diagnostics.emit(.error("malformed-csv", "stray quote inside an unquoted cell; quote the whole cell and double the quote (\"\")", at: loc(line, column)))
                cell.append(byte)
                column += 1
            default:
                if cellQuoted {
                    // Text after the closing quote was reported above; keep it out of the value.
                    advance(byte)
                } else {
                    cell.append(byte)
                    lineHasContent = true
                    advance(byte)
                }
            }
            i += 1
        }

        guard let (_, header, _) = records.first else {
            diagnostics.emit(.error("malformed-csv", "file is empty; expected a header row", at: loc(1, 1)))
            return nil
        }
        var rows: [CSVTable.Row] = []
        rows.reserveCapacity(records.count)
        for (location, rowCells, rowQuoted) in records.dropFirst() {
            if rowCells.count != header.count {
                diagnostics.emit(.error("malformed-csv", "row has \(rowCells.count) cells but the header has \(header.count)", at: location))
                continue
            }
            rows.append(CSVTable.Row(location: location, cells: rowCells, quoted: rowQuoted))
        }
        return CSVTable(path: path, header: header, rows: rows)
    }

    private func loc(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column)
    }
}
