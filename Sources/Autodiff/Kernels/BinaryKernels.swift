/// Elementwise functions of two tensors.
package enum BinaryKind: Sendable {
    case add, subtract, multiply, divide

    /// The op's name in graph nodes and messages.
    package var name: String {
        switch self {
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .divide: return "divide"
        }
    }
}

/// How two shapes broadcast: the result is viewed as a `rows × columns` matrix and each operand
/// is read at `row * rowStride + column * columnStride` (stride 0 along a broadcast axis).
///
/// Supported, as DESIGN §2 specifies: equal shapes; a one-element operand against anything; and
/// for matrices (a vector of length n counts as a 1×n row) a row vector 1×n or a column vector
/// m×1 against m×n.
package struct BroadcastPlan: Equatable, Sendable {
    package var shape: [Int]
    package var rows: Int
    package var columns: Int
    package var left: (row: Int, column: Int)
    package var right: (row: Int, column: Int)
    package var isElementwise: Bool

    package static func == (a: BroadcastPlan, b: BroadcastPlan) -> Bool {
        a.shape == b.shape && a.left == b.left && a.right == b.right
    }

    package init(_ a: [Int], _ b: [Int]) {
        let countA = a.reduce(1, *)
        let countB = b.reduce(1, *)
        if a == b {
            self.init(shape: a, rows: 1, columns: countA, left: (0, 1), right: (0, 1), elementwise: true)
        } else if countB == 1 && a.count >= b.count {
            self.init(shape: a, rows: 1, columns: countA, left: (0, 1), right: (0, 0), elementwise: false)
        } else if countA == 1 && b.count >= a.count {
            self.init(shape: b, rows: 1, columns: countB, left: (0, 0), right: (0, 1), elementwise: false)
        } else {
            precondition(
                a.count <= 2 && b.count <= 2 && !a.isEmpty && !b.isEmpty,
                "Cannot broadcast shapes \(a) and \(b): only scalars, rows and columns broadcast")
            let ma = a.count == 2 ? a[0] : 1
            let na = a[a.count - 1]
            let mb = b.count == 2 ? b[0] : 1
            let nb = b[b.count - 1]
            precondition(
                (ma == mb || ma == 1 || mb == 1) && (na == nb || na == 1 || nb == 1),
                "Cannot broadcast shapes \(a) and \(b)")
            let m = Swift.max(ma, mb)
            let n = Swift.max(na, nb)
            let shape = (a.count == 2 || b.count == 2) ? [m, n] : [n]
            self.init(
                shape: shape, rows: m, columns: n,
                left: (ma == 1 ? 0 : na, na == 1 ? 0 : 1),
                right: (mb == 1 ? 0 : nb, nb == 1 ? 0 : 1), elementwise: false)
        }
    }

    private init(shape: [Int], rows: Int, columns: Int, left: (Int, Int), right: (Int, Int), elementwise: Bool) {
        self.shape = shape
        self.rows = rows
        self.columns = columns
        self.left = left
        self.right = right
        self.isElementwise = elementwise
    }
}

@inline(__always)
private func apply<T: TensorScalar>(_ kind: BinaryKind, _ a: T, _ b: T) -> T {
    switch kind {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    }
}

@inline(__always)
private func binaryLoop<T: TensorScalar>(
    _ kind: BinaryKind, _ plan: BroadcastPlan, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
    _ y: UnsafeMutablePointer<T>
) {
    if plan.isElementwise {
        let n = plan.columns
        switch kind {
        case .add: for i in 0..<n { y[i] = a[i] + b[i] }
        case .subtract: for i in 0..<n { y[i] = a[i] - b[i] }
        case .multiply: for i in 0..<n { y[i] = a[i] * b[i] }
        case .divide: for i in 0..<n { y[i] = a[i] / b[i] }
        }
        return
    }
    let (ar, ac) = plan.left
    let (br, bc) = plan.right
    for r in 0..<plan.rows {
        let yRow = y + r * plan.columns
        let aRow = a + r * ar
        let bRow = b + r * br
        if ac == 1 && bc == 0 {
            let s = bRow[0]
            switch kind {
            case .add: for c in 0..<plan.columns { yRow[c] = aRow[c] + s }
            case .subtract: for c in 0..<plan.columns { yRow[c] = aRow[c] - s }
            case .multiply: for c in 0..<plan.columns { yRow[c] = aRow[c] * s }
            case .divide: for c in 0..<plan.columns { yRow[c] = aRow[c] / s }
            }
        } else if ac == 1 && bc == 1 {
            switch kind {
            case .add: for c in 0..<plan.columns { yRow[c] = aRow[c] + bRow[c] }
            case .subtract: for c in 0..<plan.columns { yRow[c] = aRow[c] - bRow[c] }
            case .multiply: for c in 0..<plan.columns { yRow[c] = aRow[c] * bRow[c] }
            case .divide: for c in 0..<plan.columns { yRow[c] = aRow[c] / bRow[c] }
            }
        } else {
            for c in 0..<plan.columns { yRow[c] = apply(kind, aRow[c * ac], bRow[c * bc]) }
        }
    }
}

/// Applies `kind` with broadcasting according to `plan`.
package func binaryKernel(_ kind: BinaryKind, _ plan: BroadcastPlan, _ a: Storage, _ b: Storage) -> Storage {
    let y = Storage(count: plan.rows * plan.columns, dtype: a.dtype)
    switch a.dtype {
    case .float32: binaryLoop(kind, plan, a.pointer(Float.self), b.pointer(Float.self), y.pointer(Float.self))
    case .float64: binaryLoop(kind, plan, a.pointer(Double.self), b.pointer(Double.self), y.pointer(Double.self))
    }
    return y
}

/// Copies `x` broadcast to `plan.shape` (x is the plan's right operand).
package func broadcastKernel(_ plan: BroadcastPlan, _ x: Storage) -> Storage {
    let y = Storage(count: plan.rows * plan.columns, dtype: x.dtype)
    func loop<T: TensorScalar>(_: T.Type) {
        let src = x.pointer(T.self)
        let dst = y.pointer(T.self)
        let (xr, xc) = plan.right
        for r in 0..<plan.rows {
            let d = dst + r * plan.columns
            let s = src + r * xr
            if xc == 0 {
                let v = s[0]
                for c in 0..<plan.columns { d[c] = v }
            } else {
                for c in 0..<plan.columns { d[c] = s[c] }
            }
        }
    }
    switch x.dtype {
    case .float32: loop(Float.self)
    case .float64: loop(Double.self)
    }
    return y
}
