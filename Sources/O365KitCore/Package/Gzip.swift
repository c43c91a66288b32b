import CZlib
import Foundation

/// gzip (RFC 1952) with every varying header field fixed, so the same bytes in give the
/// same bytes out: no file name, no comment, modification time 0, OS byte 3 (what
/// `gzip -n` writes on Linux; zlib's own header would use the build platform's code).
/// zlib does the raw deflate at level 9; its output for one level, window and memory
/// setting has been stable across zlib 1.2.x releases, but zlib-ng or another deflate
/// implementation may compress differently (see docs/packages.md).
public enum Gzip {
    public enum Failure: Error, CustomStringConvertible {
        case zlib(String, Int32)
        case notGzip
        case checksum

        public var description: String {
            switch self {
            case .zlib(let step, let code): return "zlib \(step) failed with code \(code)"
            case .notGzip: return "not a gzip stream"
            case .checksum: return "gzip CRC-32 or length mismatch"
            }
        }
    }

    /// The fixed 10-byte member header: magic, deflate, no flags, mtime 0, XFL 2 (maximum
    /// compression), OS 3.
    static let header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 2, 3]

    public static func compress(_ input: Data) throws -> Data {
        var stream = z_stream()
        guard o365kit_deflate_init_raw(&stream, 9) == Z_OK else { throw Failure.zlib("deflateInit2", Z_STREAM_ERROR) }
        defer { deflateEnd(&stream) }
        var output = Data(header)
        // The input is read in place and the output comes in chunks: deflate's bytes do not
        // depend on how the output space is handed out, and no copy of a large archive is made.
        let crc: uLong = try input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> uLong in
            let source = raw.bindMemory(to: UInt8.self)
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            try drain(&stream, "deflate", into: &output) { deflate(&$0, Z_FINISH) }
            return crc32(0, source.baseAddress, uInt(source.count))
        }
        appendLittleEndian(UInt32(truncatingIfNeeded: crc), to: &output)
        appendLittleEndian(UInt32(truncatingIfNeeded: input.count), to: &output)
        return output
    }

    /// Decompresses one gzip member and checks its CRC-32 and length (zlib does both).
    public static func decompress(_ input: Data) throws -> Data {
        let bytes = [UInt8](input)
        guard bytes.count >= 18, bytes[0] == 0x1F, bytes[1] == 0x8B else { throw Failure.notGzip }
        var stream = z_stream()
        guard o365kit_inflate_init_gzip(&stream) == Z_OK else { throw Failure.zlib("inflateInit2", Z_STREAM_ERROR) }
        defer { inflateEnd(&stream) }
        var output = Data()
        try bytes.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            try drain(&stream, "inflate", into: &output) { inflate(&$0, Z_NO_FLUSH) }
        }
        return output
    }

    /// Runs `step` (deflate or inflate) over the stream's input until the stream ends,
    /// appending what it writes, 256 KiB at a time.
    private static func drain(_ stream: inout z_stream, _ name: String, into output: inout Data,
                              _ step: (inout z_stream) -> Int32) throws {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var status: Int32 = Z_OK
        while status != Z_STREAM_END {
            let produced: Int = chunk.withUnsafeMutableBufferPointer { target in
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                status = step(&stream)
                return target.count - Int(stream.avail_out)
            }
            if status == Z_DATA_ERROR { throw Failure.checksum }
            guard status == Z_OK || status == Z_STREAM_END else { throw Failure.zlib(name, status) }
            output.append(contentsOf: chunk[0..<produced])
        }
    }

    private static func appendLittleEndian(_ value: UInt32, to data: inout Data) {
        for shift in stride(from: 0, to: 32, by: 8) { data.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
