/// Reshape, transpose, slices, concatenation, row gathers and dtype conversion.
extension Tensor {
    /// The same values with a new shape (shares storage). One extent may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let inferred = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "Cannot reshape \(shape) to \(newShape)")
            target[inferred] = count / known
        }
        precondition(target.reduce(1, *) == count, "Cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if target == shape { return self }
        let original = shape
        return .result("reshape", shape: target, storage: storage, inputs: [self]) { g, _, _, _ in
            [g.reshaped(original)]
        }
    }

    /// Matrix transpose.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed needs a matrix, shape is \(shape)")
        let storage = transposeKernel(self.storage, rows: shape[0], columns: shape[1])
        return .result("transpose", shape: [shape[1], shape[0]], storage: storage, inputs: [self]) { g, _, _, _ in
            [g.transposed()]
        }
    }

    /// Entries `start ..< start + length` along `axis`.
    public func sliced(axis: Int, start: Int, length: Int) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(
            start >= 0 && length >= 0 && start + length <= shape[axis],
            "Slice \(start)..<\(start + length) out of range on axis \(axis) of shape \(shape)")
        let full = shape[axis]
        var outShape = shape
        outShape[axis] = length
        let storage = sliceKernel(self.storage, view: AxisView(shape: shape, axis: axis), start: start, length: length)
        return .result(
            "slice", shape: outShape, storage: storage, inputs: [self],
            backward: { g, _, _, _ in
                [g.padded(axis: axis, start: start, fullLength: full)]
            }, partialBackward: { g, _, _ in [.slice(g, axis: axis, start: start)] })
    }

    /// Places this tensor at `start` along `axis` inside zeros of extent `fullLength` (adjoint of slicing).
    public func padded(axis: Int, start: Int, fullLength: Int) -> Tensor {
        let axis = normalizedAxis(axis)
        let length = shape[axis]
        precondition(start >= 0 && start + length <= fullLength, "Pad of \(shape) at \(start) exceeds \(fullLength)")
        var outShape = shape
        outShape[axis] = fullLength
        let storage = padKernel(self.storage, view: AxisView(shape: outShape, axis: axis), start: start, length: length)
        return .result("pad", shape: outShape, storage: storage, inputs: [self]) { g, _, _, _ in
            [g.sliced(axis: axis, start: start, length: length)]
        }
    }

    /// Rows `indices` of this tensor along its first axis (embedding lookup, minibatches).
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatheringRows needs at least one axis")
        let rowCount = shape[0]
        let rowLength = count / Swift.max(rowCount, 1)
        for i in indices { precondition(i >= 0 && i < rowCount, "Row index \(i) out of range 0..<\(rowCount)") }
        var outShape = shape
        outShape[0] = indices.count
        let storage = gatherRowsKernel(self.storage, rowLength: rowLength, indices: indices)
        return .result(
            "gather", shape: outShape, storage: storage, inputs: [self],
            backward: { g, _, _, _ in
                [g.scatteringRows(indices, rowCount: rowCount)]
            }, partialBackward: { g, _, _ in [.rows(g, indices: indices)] })
    }

    /// Adds row r into row `indices[r]` of zeros with `rowCount` rows (adjoint of gathering).
    public func scatteringRows(_ indices: [Int], rowCount: Int) -> Tensor {
        precondition(shape[0] == indices.count, "scatteringRows: \(indices.count) indices for \(shape[0]) rows")
        let rowLength = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = rowCount
        let storage = scatterAddRowsKernel(self.storage, rowLength: rowLength, indices: indices, rowCount: rowCount)
        return .result("scatter", shape: outShape, storage: storage, inputs: [self]) { g, _, _, _ in
            [g.gatheringRows(indices)]
        }
    }

    /// This tensor converted to `dtype` (gradients convert back).
    public func converted(to target: DType) -> Tensor {
        if target == dtype { return self }
        let source = dtype
        return .result("convert", shape: shape, storage: convertKernel(storage, to: target), inputs: [self]) {
            g, _, _, _ in
            [g.converted(to: source)]
        }
    }
}

/// Concatenation along `axis` (all other extents equal).
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat needs at least one tensor")
    let first = tensors[0]
    let axis = first.normalizedAxis(axis)
    for t in tensors {
        first.checkSameDType(t, "concat")
        precondition(
            t.rank == first.rank
                && t.shape.enumerated().allSatisfy { $0.offset == axis || $0.element == first.shape[$0.offset] },
            "concat on axis \(axis): shapes \(tensors.map(\.shape)) differ off that axis")
    }
    if tensors.count == 1 { return first }
    let lengths = tensors.map { $0.shape[axis] }
    var outShape = first.shape
    outShape[axis] = lengths.reduce(0, +)
    let view = AxisView(shape: outShape, axis: axis)
    let storage = concatKernel(tensors.map(\.storage), outer: view.outer, inner: view.inner, lengths: lengths)
    return .result("concat", shape: outShape, storage: storage, inputs: tensors) { g, _, _, needs in
        var offset = 0
        return lengths.enumerated().map { i, length in
            defer { offset += length }
            return needs[i] ? g.sliced(axis: axis, start: offset, length: length) : nil
        }
    }
}

/// The same value with no path back: gradients (of any order) do not flow through it.
public func stopGradient(_ x: Tensor) -> Tensor {
    Tensor(shape: x.shape, storage: x.storage)
}

extension Tensor {
    /// One-hot rows: `result[i, c] = 1` if `labels[i] == c`; a label of -1 gives an all-zero row
    /// (an abstaining vote). A constant.
    public static func oneHot<Labels: Collection>(_ labels: Labels, classCount: Int, dtype: DType = .float32) -> Tensor
    where Labels.Element: BinaryInteger {
        let storage = Storage(zeros: labels.count * classCount, dtype: dtype)
        for (i, element) in labels.enumerated() where element >= 0 {
            let label = Int(element)
            precondition(label < classCount, "oneHot: label \(label) at row \(i) is not in -1..<\(classCount)")
            switch dtype {
            case .float32: storage.pointer(Float.self)[i * classCount + label] = 1
            case .float64: storage.pointer(Double.self)[i * classCount + label] = 1
            }
        }
        return Tensor(shape: [labels.count, classCount], storage: storage)
    }

    /// A `[rows, columns]` tensor of integers (e.g. LF votes), written straight into its storage.
    public convenience init<Values: Collection>(shape: [Int], integers: Values, dtype: DType = .float32)
    where Values.Element: BinaryInteger {
        precondition(shape.reduce(1, *) == integers.count, "Shape \(shape) needs \(shape.reduce(1, *)) values")
        let storage = Storage(count: integers.count, dtype: dtype)
        for (i, value) in integers.enumerated() {
            switch dtype {
            case .float32: storage.pointer(Float.self)[i] = Float(value)
            case .float64: storage.pointer(Double.self)[i] = Double(value)
            }
        }
        self.init(shape: shape, storage: storage)
    }
}
