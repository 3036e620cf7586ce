import Testing
@testable import WeakSup

