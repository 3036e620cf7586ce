import Testing
@testable import Influence

