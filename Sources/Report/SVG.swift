import Foundation

/// Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
enum Palette {
    static let blue = "#0072B2"
    static let orange = "#E69F00"
    static let green = "#009E73"
    static let vermillion = "#D55E00"
    static let pink = "#CC79A7"
    static let sky = "#56B4E9"
    static let yellow = "#F0E442"
    static let grey = "#777777"
    /// Series colours in order.
    static let series = [blue, orange, green, vermillion, pink, sky, yellow, "#000000"]
}

/// Text made safe for HTML and SVG (element content and attribute values).
func escaped(_ text: String) -> String {
    var result = ""
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.append(character)
        }
    }
    return result
}

/// A number for a chart label or table: `digits` significant figures, without exponent for
/// everyday magnitudes.
func formatted(_ value: Double, digits: Int = 3) -> String {
    guard value.isFinite else { return "—" }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e-3 && magnitude < 1e6 {
        let decimals = max(0, digits - 1 - Int(floor(log10(magnitude))))
        return String(format: "%.\(decimals)f", value)
    }
    return String(format: "%.\(max(digits - 1, 0))e", value)
}

/// A linear map from data values to pixels.
struct LinearScale {
    var domain: (Double, Double)
    var range: (Double, Double)

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.1 - domain.0
        let t = span == 0 ? 0.5 : (value - domain.0) / span
        return range.0 + t * (range.1 - range.0)
    }

    /// Round tick values (steps of 1, 2 or 5 × 10^k) covering the domain, about `count` of them.
    func ticks(_ count: Int = 5) -> [Double] {
        let span = domain.1 - domain.0
        guard span > 0, span.isFinite else { return [domain.0] }
        let rough = span / Double(max(count, 1))
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        var ticks: [Double] = []
        var value = ceil(domain.0 / step - 1e-9) * step
        while value <= domain.1 + step * 1e-9 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return ticks
    }

    /// The domain widened to round ends (for axes that should start and end on a tick).
    static func nice(_ low: Double, _ high: Double) -> (Double, Double) {
        guard high > low else { return (low - 1, high + 1) }
        let scale = LinearScale(domain: (low, high), range: (0, 1))
        let ticks = scale.ticks()
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : high - low
        return (floor(low / step + 1e-9) * step, ceil(high / step - 1e-9) * step)
    }
}

/// An SVG picture built element by element; `text` is escaped, numbers are written with two decimals.
struct SVGCanvas {
    let width: Double
    let height: Double
    let label: String
    private var elements: [String] = []

    init(width: Double, height: Double, label: String) {
        self.width = width
        self.height = height
        self.label = label
    }

    private func n(_ value: Double) -> String { String(format: "%.2f", value) }

    private func titled(_ element: String, _ attributes: String, _ title: String?) -> String {
        guard let title else { return "<\(element) \(attributes)/>" }
        return "<\(element) \(attributes)><title>\(escaped(title))</title></\(element)>"
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, title: String? = nil,
        stroke: String? = nil
    ) {
        let strokeText = stroke.map { " stroke=\"\($0)\"" } ?? ""
        elements.append(
            titled(
                "rect",
                "x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(width, 0)))\" height=\"\(n(max(height, 0)))\" fill=\"\(fill)\"\(strokeText)",
                title))
    }

    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#333", width: Double = 1,
        dashed: Bool = false
    ) {
        elements.append(
            "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\""
                + (dashed ? " stroke-dasharray=\"5 4\"" : "") + "/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, title: String? = nil) {
        elements.append(
            titled(
                "circle", "cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill)\" fill-opacity=\"0.85\"",
                title))
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, title: String? = nil) {
        let list = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        elements.append(
            titled(
                "polyline", "points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"", title)
        )
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(
        _ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12, bold: Bool = false,
        rotate: Bool = false, fill: String = "#222"
    ) {
        let transform = rotate ? " transform=\"rotate(-90 \(n(x)) \(n(y)))\"" : ""
        elements.append(
            "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor.rawValue)\" font-size=\"\(n(size))\""
                + (bold ? " font-weight=\"bold\"" : "") + " fill=\"\(fill)\"\(transform)>\(escaped(content))</text>")
    }

    /// The picture as an inline `<svg>` element with an accessible name.
    var markup: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"\(escaped(label))\" "
            + "width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
            + "font-family=\"system-ui, sans-serif\">\n<title>\(escaped(label))</title>\n"
            + elements.joined(separator: "\n") + "\n</svg>"
    }
}
