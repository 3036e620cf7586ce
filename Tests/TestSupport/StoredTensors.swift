import Autodiff
import NN

/// Every `Tensor` a module stores, found by reflection (through properties, arrays, optionals,
/// structs and child modules) — to check that nothing a layer holds escapes its `parameters` and
/// `buffers`, which saving, loading, snapshots and influence rely on.
public func storedTensors(of module: Module) -> [Tensor] {
    var found: [Tensor] = []
    var visited = Set<ObjectIdentifier>()
    func visit(_ value: Any) {
        if let tensor = value as? Tensor {
            found.append(tensor)
            return
        }
        if let object = value as? AnyObject, type(of: value) is AnyClass {
            guard visited.insert(ObjectIdentifier(object)).inserted else { return }
        }
        var mirror: Mirror? = Mirror(reflecting: value)
        while let current = mirror {
            for child in current.children { visit(child.value) }
            mirror = current.superclassMirror
        }
    }
    visit(module)
    return found
}
