import Engine
import Testing
import TestSupport

@Suite struct ReadableFileTests {
    let directory = TemporaryDirectory()

    @Test func readsWholeFilesRangesAndText() throws {
        let path = directory.write(Array("héllo\nworld".utf8), to: "a.txt")
        #expect(try ReadableFile.contents(at: path) == Array("héllo\nworld".utf8))
        #expect(try ReadableFile.text(at: path) == "héllo\nworld")
        let file = try ReadableFile(path: path)
        #expect(file.size == 12)
        #expect(try file.bytes(count: 5, at: 7) == Array("world".utf8))
        #expect(try file.bytes(count: 0, at: 12) == [])
        #expect(try ReadableFile.contents(at: directory.write([], to: "empty")) == [])
    }

    @Test func readsSequentiallyInChunks() throws {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        let file = try ReadableFile(path: directory.write(bytes, to: "b.bin"))
        var chunk = [UInt8](repeating: 0, count: 300)
        var read: [UInt8] = []
        var counts: [Int] = []
        while true {
            let n = try chunk.withUnsafeMutableBytes { try file.readNext(into: $0) }
            counts.append(n)
            if n == 0 { break }
            read += chunk[0..<n]
        }
        #expect(counts == [300, 300, 300, 100, 0])
        #expect(read == bytes)
    }

    @Test func failuresNameTheFileAndTheReason() throws {
        let missing = directory.file("missing")
        #expect(throws: FileReadError.cannotOpen(path: missing, reason: "No such file or directory")) {
            try ReadableFile.contents(at: missing)
        }
        let folder = directory.makeFolder("folder")
        #expect(throws: FileReadError.notAFile(path: folder)) { try ReadableFile(path: folder) }
        let short = directory.write([1, 2, 3], to: "short")
        let error = #expect(throws: FileReadError.truncated(path: short, size: 3, needed: 6)) {
            try ReadableFile(path: short).bytes(count: 4, at: 2)
        }
        #expect(error?.description == "cannot read \(short): the file ends after 3 bytes, expected 6")
        #expect(error?.path == short)
        #expect(ReadableFile.isReadable(at: short))
        #expect(!ReadableFile.isReadable(at: missing) && !ReadableFile.isReadable(at: folder))
    }
}
