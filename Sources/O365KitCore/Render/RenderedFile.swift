import Foundation

/// One generated file: its path below the output folder and its exact bytes. Text files
/// are made from a string; packages carry binary bytes.
public struct RenderedFile: Sendable, Equatable {
    public var path: String
    public var data: Data

    public init(path: String, contents: String) {
        self.path = path
        self.data = Data(contents.utf8)
    }

    public init(path: String, data: Data) {
        self.path = path
        self.data = data
    }

    /// The bytes as UTF-8 text (lossy for a binary file such as a package).
    public var contents: String {
        get { String(decoding: data, as: UTF8.self) }
        set { data = Data(newValue.utf8) }
    }
}
