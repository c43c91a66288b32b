import Testing
@testable import O365KitCore

@Test func versionIsSemver() {
    #expect(o365kitVersion.split(separator: ".").count == 3)
}
