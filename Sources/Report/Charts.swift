import Foundation

/// The charts of the report, drawn as inline SVG. Every mark carries a `<title>` with its label
/// and number (shown on hover, read by screen readers), axes say what they measure, and colours
/// come from `Palette`. A chart with nothing to draw is never returned: callers check first.
enum Chart {
    static let width = 1120.0
    static let top = 40.0
    static let bottom = 48.0
    static let right = 36.0

    /// Room for the longest label at 12 px (about 7 px per character), within limits.
    static func labelMargin(_ labels: [String]) -> Double {
        min(300, max(60, Double(labels.map(\.count).max() ?? 0) * 7 + 16))
    }

    private static func frame(_ canvas: inout SVGCanvas, title: String, axis: String, left: Double, plotBottom: Double)
    {
        canvas.text(title, x: left, y: 22, size: 15, bold: true)
        canvas.text(axis, x: left + (canvas.width - left - right) / 2, y: plotBottom + 38, anchor: .middle, size: 13)
    }

    private static func xAxis(
        _ canvas: inout SVGCanvas, _ scale: LinearScale, y: Double, from top: Double, count: Int = 8,
        format: ((Double) -> String)? = nil
    ) {
        canvas.line(x1: scale.range.0, y1: y, x2: scale.range.1, y2: y)
        let ticks = scale.ticks(count)
        for tick in ticks {
            let x = scale(tick)
            canvas.line(x1: x, y1: top, x2: x, y2: y, stroke: "#dddddd")
            canvas.line(x1: x, y1: y, x2: x, y2: y + 5)
            canvas.text(format?(tick) ?? tickLabel(tick, ticks), x: x, y: y + 18, anchor: .middle, size: 11)
        }
    }

    /// A tick value with as many decimals as the tick spacing needs (0.2, not 0.200).
    static func tickLabel(_ value: Double, _ ticks: [Double]) -> String {
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : abs(value)
        guard step > 0, step >= 1e-4, abs(value) < 1e6 else { return formatted(value, digits: 2) }
        let decimals = max(0, Int(ceil(-log10(step) - 1e-9)))
        return String(format: "%.\(decimals)f", value)
    }

    private static func yAxis(
        _ canvas: inout SVGCanvas, _ scale: LinearScale, x: Double, to right: Double, title: String
    ) {
        canvas.line(x1: x, y1: scale.range.0, x2: x, y2: scale.range.1)
        let ticks = scale.ticks(6)
        for tick in ticks {
            let y = scale(tick)
            canvas.line(x1: x, y1: y, x2: right, y2: y, stroke: "#dddddd")
            canvas.text(tickLabel(tick, ticks), x: x - 8, y: y + 4, anchor: .end, size: 11)
        }
        let middle = (scale.range.0 + scale.range.1) / 2
        canvas.text(title, x: 16, y: middle, anchor: .middle, size: 13, rotate: true)
    }

    /// Horizontal bars, one per item, largest first; `domain` fixes the axis (e.g. 0…1 for fractions).
    static func bars(
        _ items: [(label: String, value: Double)], title: String, axis: String, domain: (Double, Double)? = nil,
        color: String = Palette.blue
    ) -> String {
        let sorted = items.sorted { $0.value > $1.value }
        let left = labelMargin(sorted.map(\.label))
        let rowHeight = 20.0
        let plotBottom = top + rowHeight * Double(sorted.count)
        var canvas = SVGCanvas(width: width, height: plotBottom + bottom, label: title)
        let high = domain?.1 ?? LinearScale.nice(0, max(sorted.map(\.value).max() ?? 1, 1e-12)).1
        let scale = LinearScale(domain: (domain?.0 ?? 0, high), range: (left, width - right))
        frame(&canvas, title: title, axis: axis, left: left, plotBottom: plotBottom)
        xAxis(&canvas, scale, y: plotBottom, from: top)
        for (k, item) in sorted.enumerated() {
            let y = top + rowHeight * Double(k)
            canvas.rect(
                x: scale.range.0, y: y + 3, width: scale(item.value) - scale.range.0, height: rowHeight - 6,
                fill: color, title: "\(item.label): \(formatted(item.value, digits: 4))")
            canvas.text(item.label, x: left - 6, y: y + rowHeight / 2 + 4, anchor: .end, size: 12)
        }
        return canvas.markup
    }

    /// Side-by-side panels of horizontal bars sharing the row labels (small multiples), rows in the
    /// order of the first panel's values (largest first); every panel's axis runs over `domain`.
    static func panels(
        labels: [String], _ panels: [(title: String, values: [Double], color: String)], title: String,
        domain: (Double, Double) = (0, 1)
    ) -> String {
        let order = labels.indices.sorted { panels[0].values[$0] > panels[0].values[$1] }
        let left = labelMargin(labels)
        let rowHeight = 18.0
        let gap = 28.0
        let panelTop = top + 22
        let plotBottom = panelTop + rowHeight * Double(labels.count)
        let panelWidth = (width - left - right - gap * Double(panels.count - 1)) / Double(panels.count)
        var canvas = SVGCanvas(width: width, height: plotBottom + bottom - 14, label: title)
        canvas.text(title, x: left, y: 22, size: 15, bold: true)
        for (row, k) in order.enumerated() {
            canvas.text(
                labels[k], x: left - 6, y: panelTop + rowHeight * Double(row) + rowHeight / 2 + 4, anchor: .end,
                size: 12)
        }
        for (p, panel) in panels.enumerated() {
            let x0 = left + Double(p) * (panelWidth + gap)
            let scale = LinearScale(domain: domain, range: (x0, x0 + panelWidth))
            canvas.text(panel.title, x: x0, y: panelTop - 8, size: 13, bold: true)
            xAxis(&canvas, scale, y: plotBottom, from: panelTop, count: 4)
            for (row, k) in order.enumerated() where panel.values[k].isFinite {
                let y = panelTop + rowHeight * Double(row)
                canvas.rect(
                    x: x0, y: y + 3, width: scale(panel.values[k]) - x0, height: rowHeight - 6, fill: panel.color,
                    title: "\(labels[k]): \(panel.title) \(formatted(panel.values[k], digits: 4))")
            }
        }
        return canvas.markup
    }

    /// Bars either side of zero: negative (harmful) to the left in vermillion, positive (helpful)
    /// to the right in blue, in the order given.
    static func divergingBars(
        _ items: [(label: String, value: Double)], title: String, axis: String, negative: String, positive: String
    ) -> String {
        let left = labelMargin(items.map(\.label))
        let rowHeight = 20.0
        let plotBottom = top + 18 + rowHeight * Double(items.count)
        var canvas = SVGCanvas(width: width, height: plotBottom + bottom, label: title)
        let extent = max(items.map { abs($0.value) }.max() ?? 1, 1e-300)
        let (low, high) = LinearScale.nice(-extent, extent)
        let scale = LinearScale(domain: (low, high), range: (left, width - right))
        frame(&canvas, title: title, axis: axis, left: left, plotBottom: plotBottom)
        xAxis(&canvas, scale, y: plotBottom, from: top + 18)
        canvas.text("← \(negative)", x: scale(0) - 8, y: top + 10, anchor: .end, size: 12, fill: Palette.vermillion)
        canvas.text("\(positive) →", x: scale(0) + 8, y: top + 10, size: 12, fill: Palette.blue)
        for (k, item) in items.enumerated() {
            let y = top + 18 + rowHeight * Double(k)
            let (a, b) = (scale(min(item.value, 0)), scale(max(item.value, 0)))
            canvas.rect(
                x: a, y: y + 3, width: b - a, height: rowHeight - 6,
                fill: item.value < 0 ? Palette.vermillion : Palette.blue,
                title: "\(item.label): \(formatted(item.value, digits: 4))")
            canvas.text(item.label, x: left - 6, y: y + rowHeight / 2 + 4, anchor: .end, size: 12)
        }
        canvas.line(x1: scale(0), y1: top + 14, x2: scale(0), y2: plotBottom)
        return canvas.markup
    }

    /// A matrix as coloured cells (white → blue with the value), the value printed in each cell
    /// when they are big enough, and a legend of the colour scale.
    static func heatMap(
        _ values: [[Double]], rows: [String], columns: [String], title: String, valueName: String,
        format: (Double) -> String = { formatted($0, digits: 2) },
        cellText: (Double) -> String = { !$0.isFinite || $0 < 0.005 ? "" : String(format: "%.2f", $0) }
    ) -> String {
        let left = labelMargin(rows)
        let cell = min(rows.count <= 6 ? 64.0 : 40.0, (width - left - right - 100) / Double(max(columns.count, 1)))
        let columnLabelHeight = min(150.0, Double(columns.map(\.count).max() ?? 0) * 7 + 10)
        let gridTop = top + columnLabelHeight
        let plotBottom = gridTop + cell * Double(rows.count)
        var canvas = SVGCanvas(width: width, height: plotBottom + bottom + 10, label: title)
        canvas.text(title, x: left, y: 22, size: 15, bold: true)
        let high = max(values.flatMap { $0 }.filter(\.isFinite).max() ?? 1, 1e-12)
        func color(_ value: Double) -> String {
            guard value.isFinite else { return "#eeeeee" }
            let t = max(0, min(1, value / high))
            // White (255,255,255) to the palette's blue (0,114,178).
            let (r, g, b) = (255 - 255 * t, 255 - 141 * t, 255 - 77 * t)
            return String(format: "#%02X%02X%02X", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
        }
        for (j, name) in columns.enumerated() {
            let x = left + cell * (Double(j) + 0.5)
            canvas.text(name, x: x + 4, y: gridTop - 6, size: 11, rotate: true)
        }
        for (i, name) in rows.enumerated() {
            let y = gridTop + cell * Double(i)
            canvas.text(name, x: left - 6, y: y + cell / 2 + 4, anchor: .end, size: 11)
            for j in columns.indices {
                let value = values[i][j]
                canvas.rect(
                    x: left + cell * Double(j), y: y, width: cell, height: cell, fill: color(value),
                    title: "\(name) × \(columns[j]): \(valueName) \(format(value))", stroke: "#ffffff")
                if cell >= 30 {
                    canvas.text(
                        cellText(value), x: left + cell * (Double(j) + 0.5), y: y + cell / 2 + 4, anchor: .middle,
                        size: cell >= 60 ? 13 : 9, fill: value.isFinite && value / high > 0.55 ? "#ffffff" : "#222")
                }
            }
        }
        // Legend: five swatches from 0 to the maximum.
        let legendX = left + cell * Double(columns.count) + 24
        canvas.text(valueName, x: legendX, y: gridTop + 4, size: 11)
        for k in 0...4 {
            let value = high * Double(k) / 4
            canvas.rect(x: legendX, y: gridTop + 12 + Double(k) * 18, width: 16, height: 16, fill: color(value))
            canvas.text(format(value), x: legendX + 22, y: gridTop + 25 + Double(k) * 18, size: 11)
        }
        return canvas.markup
    }

    /// Points with x and y on the same scale, and the diagonal y = x (where estimates equal truth).
    static func scatter(
        _ points: [(label: String, x: Double, y: Double)], title: String, xAxis xTitle: String, yAxis yTitle: String,
        domain: (Double, Double), series: [(name: String, color: String)]? = nil, seriesOf: [Int]? = nil
    ) -> String {
        let size = 440.0
        let left = 70.0
        var canvas = SVGCanvas(width: width, height: top + size + bottom, label: title)
        let x = LinearScale(domain: domain, range: (left, left + size))
        let y = LinearScale(domain: domain, range: (top + size, top))
        canvas.text(title, x: left, y: 22, size: 15, bold: true)
        xAxis(&canvas, x, y: top + size, from: top)
        canvas.text(xTitle, x: left + size / 2, y: top + size + 38, anchor: .middle, size: 13)
        yAxis(&canvas, y, x: left, to: left + size, title: yTitle)
        canvas.line(
            x1: x(domain.0), y1: y(domain.0), x2: x(domain.1), y2: y(domain.1), stroke: Palette.grey, dashed: true)
        canvas.text("y = x", x: x(domain.1) - 4, y: y(domain.1) + 14, anchor: .end, size: 11, fill: Palette.grey)
        for (k, point) in points.enumerated() {
            let color = seriesOf.map { series![$0[k]].color } ?? Palette.blue
            canvas.circle(
                x: x(point.x), y: y(point.y), radius: 5, fill: color,
                title:
                    "\(point.label): \(xTitle) \(formatted(point.x, digits: 3)), \(yTitle) \(formatted(point.y, digits: 3))"
            )
        }
        if let series { legend(&canvas, series, x: left + size + 40, y: top + 10) }
        return canvas.markup
    }

    private static func legend(
        _ canvas: inout SVGCanvas, _ series: [(name: String, color: String)], x: Double, y: Double
    ) {
        for (k, entry) in series.enumerated() {
            canvas.rect(x: x, y: y + Double(k) * 20, width: 14, height: 14, fill: entry.color)
            canvas.text(entry.name, x: x + 20, y: y + Double(k) * 20 + 12, size: 12)
        }
    }

    /// Curves over epochs (epoch 1 first), each in its own colour, with a dashed line at `marker`.
    static func lines(
        _ series: [(name: String, values: [Double])], title: String, yAxis yTitle: String, marker: Int?,
        markerLabel: String = "kept epoch"
    ) -> String {
        let height = 260.0
        let left = 80.0
        let legendWidth = 260.0
        var canvas = SVGCanvas(width: width, height: top + height + bottom, label: title)
        let epochs = max(series.map(\.values.count).max() ?? 1, 2)
        let all = series.flatMap(\.values).filter(\.isFinite)
        let (low, high) = LinearScale.nice(all.min() ?? 0, all.max() ?? 1)
        let x = LinearScale(domain: (1, Double(epochs)), range: (left, width - right - legendWidth))
        let y = LinearScale(domain: (low, high), range: (top + height, top))
        canvas.text(title, x: left, y: 22, size: 15, bold: true)
        xAxis(&canvas, x, y: top + height, from: top, format: { String(Int($0.rounded())) })
        canvas.text("epoch", x: (x.range.0 + x.range.1) / 2, y: top + height + 38, anchor: .middle, size: 13)
        yAxis(&canvas, y, x: left, to: x.range.1, title: yTitle)
        if let marker {
            canvas.line(
                x1: x(Double(marker)), y1: top, x2: x(Double(marker)), y2: top + height, stroke: "#000", dashed: true)
            canvas.text("\(markerLabel) \(marker)", x: x(Double(marker)) + 4, y: top + 12, size: 11)
        }
        var legendEntries: [(name: String, color: String)] = []
        for (k, curve) in series.enumerated() {
            let color = Palette.series[k % Palette.series.count]
            legendEntries.append((curve.name, color))
            let points = curve.values.enumerated().map { (x(Double($0.offset + 1)), y($0.element)) }
            canvas.polyline(points, stroke: color, title: curve.name)
            for (epoch, value) in curve.values.enumerated() where curve.values.count <= 60 || epoch % 5 == 0 {
                canvas.circle(
                    x: x(Double(epoch + 1)), y: y(value), radius: 2.5, fill: color,
                    title: "\(curve.name), epoch \(epoch + 1): \(formatted(value, digits: 4))")
            }
        }
        legend(&canvas, legendEntries, x: width - right - legendWidth + 20, y: top + 10)
        return canvas.markup
    }

    /// A dot at each mean with a whisker of ± one standard deviation, best mean first.
    static func dotWhisker(
        _ items: [(label: String, mean: Double, deviation: Double)], title: String, axis: String
    ) -> String {
        let sorted = items.sorted { $0.mean > $1.mean }
        let left = labelMargin(sorted.map(\.label))
        let rowHeight = 24.0
        let plotBottom = top + rowHeight * Double(sorted.count)
        var canvas = SVGCanvas(width: width, height: plotBottom + bottom, label: title)
        let low = sorted.map { $0.mean - $0.deviation }.min() ?? 0
        let high = sorted.map { $0.mean + $0.deviation }.max() ?? 1
        let pad = max((high - low) * 0.1, 0.005)
        let (a, b) = LinearScale.nice(max(low - pad, 0), min(high + pad, 1))
        let scale = LinearScale(domain: (a, b), range: (left, width - right))
        frame(&canvas, title: title, axis: axis, left: left, plotBottom: plotBottom)
        xAxis(&canvas, scale, y: plotBottom, from: top)
        for (k, item) in sorted.enumerated() {
            let y = top + rowHeight * Double(k) + rowHeight / 2
            canvas.line(
                x1: scale(item.mean - item.deviation), y1: y, x2: scale(item.mean + item.deviation), y2: y,
                stroke: Palette.blue, width: 2)
            canvas.circle(
                x: scale(item.mean), y: y, radius: 5, fill: k == 0 ? Palette.vermillion : Palette.blue,
                title: "\(item.label): \(formatted(item.mean, digits: 4)) ± \(formatted(item.deviation, digits: 2))")
            canvas.text(item.label, x: left - 6, y: y + 4, anchor: .end, size: 12)
        }
        return canvas.markup
    }

    /// Box plots (minimum, quartiles, median, maximum) per item, in the order given.
    static func boxes(
        _ items: [(label: String, summary: FiveNumberSummary)], title: String, axis: String, domain: (Double, Double)
    ) -> String {
        let left = labelMargin(items.map(\.label))
        let rowHeight = 22.0
        let plotBottom = top + rowHeight * Double(items.count)
        var canvas = SVGCanvas(width: width, height: plotBottom + bottom, label: title)
        let scale = LinearScale(domain: domain, range: (left, width - right))
        frame(&canvas, title: title, axis: axis, left: left, plotBottom: plotBottom)
        xAxis(&canvas, scale, y: plotBottom, from: top)
        for (k, item) in items.enumerated() {
            let s = item.summary
            let y = top + rowHeight * Double(k)
            let middle = y + rowHeight / 2
            canvas.line(x1: scale(s.minimum), y1: middle, x2: scale(s.maximum), y2: middle, stroke: Palette.grey)
            canvas.rect(
                x: scale(s.lowerQuartile), y: y + 4, width: scale(s.upperQuartile) - scale(s.lowerQuartile),
                height: rowHeight - 8, fill: Palette.sky,
                title:
                    "\(item.label): median \(formatted(s.median)), quartiles \(formatted(s.lowerQuartile))–\(formatted(s.upperQuartile)), range \(formatted(s.minimum))–\(formatted(s.maximum)), \(s.count) rows",
                stroke: Palette.blue)
            canvas.line(
                x1: scale(s.median), y1: y + 4, x2: scale(s.median), y2: y + rowHeight - 4, stroke: "#000", width: 2)
            canvas.text(item.label, x: left - 6, y: middle + 4, anchor: .end, size: 12)
        }
        return canvas.markup
    }
}

/// Minimum, quartiles, median and maximum of a sample (linear interpolation between order statistics).
struct FiveNumberSummary: Equatable {
    var minimum: Double
    var lowerQuartile: Double
    var median: Double
    var upperQuartile: Double
    var maximum: Double
    var count: Int

    init?(_ values: [Double]) {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let low = Int(position.rounded(.down))
            let high = min(low + 1, sorted.count - 1)
            return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
        }
        minimum = sorted[0]
        lowerQuartile = quantile(0.25)
        median = quantile(0.5)
        upperQuartile = quantile(0.75)
        maximum = sorted[sorted.count - 1]
        count = sorted.count
    }
}
