/// A self-contained HTML page: inline CSS, inline SVG, no scripts, nothing fetched from the network.
struct HTMLPage {
    var title: String
    var subtitle: String
    private(set) var sections: [(id: String, title: String, body: String)] = []

    init(title: String, subtitle: String) {
        self.title = title
        self.subtitle = subtitle
    }

    mutating func add(id: String, title: String, body: String) { sections.append((id, title, body)) }

    var markup: String {
        let navigation = sections.map { "<a href=\"#\($0.id)\">\(escaped($0.title))</a>" }.joined(separator: " · ")
        let body = sections.map {
            "<section id=\"\($0.id)\">\n<h2>\(escaped($0.title))</h2>\n\($0.body)\n</section>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escaped(title))</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0; background: #fafafa; }
            main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; background: #fff; }
            h1 { font-size: 26px; margin: 8px 0 4px; }
            h2 { font-size: 21px; border-bottom: 2px solid #0072B2; padding-bottom: 4px; margin-top: 40px; }
            h3 { font-size: 16px; margin: 24px 0 8px; }
            nav { font-size: 14px; margin: 8px 0 16px; }
            nav a { color: #0072B2; }
            p.note { color: #555; font-size: 14px; }
            table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
            th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: right; }
            th { background: #f0f4f8; }
            td.text, th.text { text-align: left; }
            details { margin: 4px 0 16px; }
            summary { cursor: pointer; color: #0072B2; font-size: 14px; }
            svg.chart { display: block; margin: 8px 0; max-width: 100%; height: auto; }
            </style>
            </head>
            <body>
            <main>
            <h1>\(escaped(title))</h1>
            <p class="note">\(escaped(subtitle))</p>
            <nav>\(navigation)</nav>
            \(body)
            </main>
            </body>
            </html>

            """
    }
}

/// An HTML table; cells are escaped, and a column is left-aligned when its header is in `textColumns`.
func htmlTable(_ header: [String], _ rows: [[String]], textColumns: Set<String> = []) -> String {
    func cell(_ tag: String, _ value: String, _ column: Int) -> String {
        let isText = column < header.count && textColumns.contains(header[column])
        return "<\(tag)\(isText ? " class=\"text\"" : "")>\(escaped(value))</\(tag)>"
    }
    let head = "<tr>" + header.enumerated().map { cell("th", $1, $0) }.joined() + "</tr>"
    let body = rows.map { "<tr>" + $0.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>" }.joined(
        separator: "\n")
    return "<table>\n<thead>\(head)</thead>\n<tbody>\n\(body)\n</tbody>\n</table>"
}

/// A table of a chart's numbers, folded under the chart.
func numbersTable(_ header: [String], _ rows: [[String]], textColumns: Set<String> = []) -> String {
    "<details><summary>numbers</summary>\n" + htmlTable(header, rows, textColumns: textColumns) + "\n</details>"
}

func note(_ text: String) -> String { "<p class=\"note\">\(escaped(text))</p>" }
