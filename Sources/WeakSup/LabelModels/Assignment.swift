/// The assignment of rows to columns of a square weight matrix with the largest total weight
/// (the Hungarian algorithm with potentials, O(n³); scipy's `linear_sum_assignment` solves the same
/// problem). Snorkel's label model uses it to decide which latent class is which.
/// - Parameter weights: `n × n`, `weights[row][column]`.
/// - Returns: `column[row]`, a permutation of `0..<n`.
public func maximumWeightAssignment(_ weights: [[Double]]) -> [Int] {
    let n = weights.count
    guard n > 0 else { return [] }
    precondition(weights.allSatisfy { $0.count == n }, "maximumWeightAssignment needs a square matrix")
    // Minimise the cost −w over 1-based rows u and columns v (index 0 is a virtual start).
    var u = [Double](repeating: 0, count: n + 1)
    var v = [Double](repeating: 0, count: n + 1)
    var rowOfColumn = [Int](repeating: 0, count: n + 1)
    var way = [Int](repeating: 0, count: n + 1)
    for row in 1...n {
        rowOfColumn[0] = row
        var column0 = 0
        var minimum = [Double](repeating: .infinity, count: n + 1)
        var used = [Bool](repeating: false, count: n + 1)
        repeat {
            used[column0] = true
            let row0 = rowOfColumn[column0]
            var delta = Double.infinity
            var column1 = 0
            for column in 1...n where !used[column] {
                let reduced = -weights[row0 - 1][column - 1] - u[row0] - v[column]
                if reduced < minimum[column] {
                    minimum[column] = reduced
                    way[column] = column0
                }
                if minimum[column] < delta {
                    delta = minimum[column]
                    column1 = column
                }
            }
            for column in 0...n {
                if used[column] {
                    u[rowOfColumn[column]] += delta
                    v[column] -= delta
                } else {
                    minimum[column] -= delta
                }
            }
            column0 = column1
        } while rowOfColumn[column0] != 0
        repeat {
            let previous = way[column0]
            rowOfColumn[column0] = rowOfColumn[previous]
            column0 = previous
        } while column0 != 0
    }
    var columnOfRow = [Int](repeating: 0, count: n)
    for column in 1...n { columnOfRow[rowOfColumn[column] - 1] = column - 1 }
    return columnOfRow
}
