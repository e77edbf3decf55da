/// Plain aligned columns: the first `leftColumns` left-aligned (names), the rest right-aligned
/// (numbers); a rule under the header and, with `totalRow`, above the last row.
enum TextTable {
    static func render(header: [String], rows: [[String]], leftColumns: Int, totalRow: Bool = false,
                       alsoLeft: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return i < leftColumns || alsoLeft.contains(i) ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        var out = line(header) + "\n" + rule
        for (i, row) in rows.enumerated() {
            if totalRow, i == rows.count - 1 { out += rule }
            out += line(row) + "\n"
        }
        return out
    }
}
