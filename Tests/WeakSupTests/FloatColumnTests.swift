import Autodiff
import Testing

@testable import WeakSup

@Suite("FloatColumn: a loader's feature column")
struct FloatColumnTests {
    @Test("a tensor shares the column's memory; copies and later appends never change what another holds")
    func copyOnWrite() {
        var column = FloatColumn()
        for i in 0..<1000 { column.append(Float(i)) }  // grows past its first buffers
        let tensor = column.tensor(shape: [500, 2])
        #expect(tensor.floats == (0..<1000).map(Float.init))
        var copy = column
        copy.append(-1)
        column.removeLast(10)
        column.append(7)
        #expect(tensor.floats == (0..<1000).map(Float.init))  // the tensor kept its values
        #expect(copy.count == 1001 && copy.withUnsafeBufferPointer { $0.last } == -1)
        #expect(column.count == 991 && column.withUnsafeBufferPointer { Array($0.suffix(2)) } == [989, 7])
        var joined = FloatColumn()
        joined.reserveCapacity(4)
        joined += copy
        #expect(joined.withUnsafeBufferPointer { Array($0) } == (0..<1000).map(Float.init) + [-1])
    }
}
