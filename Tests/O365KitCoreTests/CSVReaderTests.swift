import Testing
@testable import O365KitCore

@Suite struct CSVReaderTests {
    func read(_ text: String) -> (CSVTable?, [String]) {
        let diagnostics = DiagnosticCollector()
        let table = CSVReader(path: "t.csv").read(text, diagnostics: diagnostics)
        return (table, diagnostics.sorted.map { "\($0.location): \($0.severity.rawValue): \($0.id)" })
    }

    @Test func quotedCellsKeepCommasQuotesAndNewlines() throws {
        let (table, findings) = read("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n")
        #expect(findings.isEmpty)
        let rows = try #require(table).rows
        #expect(rows.map { $0.cells.map(\.value) } == [["x, y", "say \"hi\""], ["multi\nline", "z"]])
        #expect(rows[1].location.line == 3)
    }

    @Test func cellsCarryLineAndColumn() throws {
        let (table, _) = read("operation,techniques\nAdd user.,T1136\n")
        let cell = try #require(table).rows[0].cells[1]
        #expect(cell.location.description == "t.csv:2:11")
    }

    @Test func crlfAndMissingFinalNewlineAreAccepted() throws {
        let (table, findings) = read("a,b\r\n1,2\r\n3,4")
        #expect(findings.isEmpty)
        #expect(try #require(table).rows.map { $0.cells.map(\.value) } == [["1", "2"], ["3", "4"]])
    }

    @Test func byteOrderMarkIsStrippedWithAWarning() throws {
        let (table, findings) = read("\u{FEFF}a,b\n1,2\n")
        #expect(try #require(table).header.map(\.value) == ["a", "b"])
        #expect(findings == ["t.csv:1:1: warning: csv-bom"])
    }

    @Test func unbalancedQuoteIsAnErrorAtTheOpeningQuote() {
        let (table, findings) = read("a,b\n1,\"open\n2,3\n")
        #expect(table == nil)
        #expect(findings == ["t.csv:2:3: error: malformed-csv"])
    }

    @Test func wrongCellCountDropsTheRow() throws {
        let (table, findings) = read("a,b\n1,2,3\n4,5\n")
        #expect(try #require(table).rows.count == 1)
        #expect(findings == ["t.csv:2:1: error: malformed-csv"])
    }

    @Test func strayQuoteAndTextAfterClosingQuoteAreErrors() {
        let (_, findings) = read("a,b\nx\"y,1\n\"q\"z,2\n")
        #expect(findings == ["t.csv:2:2: error: malformed-csv", "t.csv:3:4: error: malformed-csv"])
    }

    @Test func blankLinesAreSkipped() throws {
        let (table, _) = read("a,b\n\n1,2\n\n")
        #expect(try #require(table).rows.count == 1)
    }

    @Test func writerRoundTrips() throws {
        let rows = [["plain", "with, comma", "with \"quote\""], ["multi\nline", " padded ", ""]]
        let text = CSVWriter.write(header: ["a", "b", "c"], rows: rows)
        let (table, findings) = read(text)
        #expect(findings.isEmpty)
        #expect(try #require(table).rows.map { $0.cells.map(\.value) } == rows)
    }
}
