import Data
import Engine
import Foundation
import Imaging
import Testing
import TestSupport

// MARK: MD5

@Test func md5MatchesRFC1321TestSuite() {
    let vectors: [(String, String)] = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ("The quick brown fox jumps over the lazy dog", "9e107d9d372bb6826bd81d3542a419d6"),
    ]
    for (text, digest) in vectors { #expect(MD5.hex(of: Array(text.utf8)) == digest, "MD5(\"\(text)\")") }
}

@Test func md5IncrementalMatchesOneShotAtEveryPaddingBoundary() throws {
    var rng = SystemRandomNumberGenerator()
    let data = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &rng) }
    for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 3000] {
        let bytes = Array(data.prefix(length))
        var md5 = MD5()
        var i = 0, step = 1
        while i < bytes.count { md5.update(Array(bytes[i..<min(i + step, bytes.count)])); i += step; step = step * 3 % 97 + 1 }
        #expect(md5.finalizeHex() == MD5.hex(of: bytes), "length \(length)")
    }
    let directory = TemporaryDirectory()
    let big = (0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
    let path = directory.write(big, to: "big.bin")
    #expect(try MD5.hex(ofFileAt: path) == MD5.hex(of: big))
    // A million 'a's: a well-known value.
    #expect(MD5.hex(of: [UInt8](repeating: 0x61, count: 1_000_000)) == "7707d6ae4e027c70eea2a935c2296f21")
}

// MARK: the table of sources

@Test func datasetSourcesListTheOfficialFiles() throws {
    #expect(DatasetSource.all.map(\.id) == ["mnist", "fashion-mnist", "emnist", "cifar100", "lfw"])
    for source in DatasetSource.all {
        for file in source.files {
            #expect(file.md5.count == 32 && file.md5.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(source.id) \(file.name)")
        }
    }
    let emnist = try DatasetSource.named("EMNIST")
    #expect(emnist.url(of: emnist.files[0]) == "https://www.itl.nist.gov/iaui/vip/cs_links/EMNIST/gzip.zip")
    #expect(emnist.url(of: emnist.files[0], baseURL: "http://127.0.0.1:8/mirror") == "http://127.0.0.1:8/mirror/gzip.zip")
    #expect(DatasetSource.fashionMNIST.files.map(\.md5).first == "8d4fb7e6c68d591d4c3dfef9ec88bf0d")
    #expect(DatasetSource.lfw.packaging == .tarGzip(folder: "lfw-deepfunneled"))
    // Installed where `--data-dir`-less loaders look: data/mnist, data/emnist, data/cifar100, data/lfw-deepfunneled.
    #expect(DatasetSource.all.map(\.folder) == ["mnist", "fashion-mnist", "emnist", "cifar100", "lfw-deepfunneled"])
    #expect(caught { _ = try DatasetSource.named("imagenet") } as? DownloadError
        == .unknownDataset(name: "imagenet", known: ["mnist", "fashion-mnist", "emnist", "cifar100", "lfw"]))
}

// MARK: the downloader against a local server

/// Bytes that differ at every position, so a misplaced resume shows.
func payload(_ count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31 &+ seed &* 7) ^ ($0 >> 8)) }
}

func fastDownloader() -> Downloader { Downloader(maximumAttempts: 4, retryDelay: 0, idleTimeout: 10) }

@Test func downloadVerifiesAndRenames() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    let body = payload(300_000)
    server.serve(body, at: "file.bin")
    let directory = TemporaryDirectory()
    let target = directory.file("file.bin")
    let downloader = fastDownloader()
    let outcome = try downloader.fetch(server.baseURL + "file.bin", md5: MD5.hex(of: body), to: target)
    #expect(outcome == .downloaded(resumed: false, attempts: 1))
    #expect(try ReadableFile.contents(at: target) == body)
    #expect(!FileManager.default.fileExists(atPath: target + ".part"))
    // A second fetch finds the verified file and sends no request.
    let before = server.requests.count
    #expect(try downloader.fetch(server.baseURL + "file.bin", md5: MD5.hex(of: body), to: target) == .alreadyPresent)
    #expect(server.requests.count == before)
}

@Test func corruptedDownloadIsATypedErrorAndLeavesNoFile() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    var body = payload(100_000)
    let md5 = MD5.hex(of: body)
    body[50_000] ^= 0xFF // the server's copy is damaged
    server.serve(body, at: "damaged.gz")
    let directory = TemporaryDirectory()
    let target = directory.file("damaged.gz")
    let url = server.baseURL + "damaged.gz"
    let error = caught { try fastDownloader().fetch(url, md5: md5, to: target) }
    #expect(error as? DownloadError == .checksumMismatch(url: url, path: target, expected: md5, actual: MD5.hex(of: body)))
    #expect("\(error!)".contains(url))
    #expect(!FileManager.default.fileExists(atPath: target))
    #expect(!FileManager.default.fileExists(atPath: target + ".part"))
}

@Test func droppedConnectionIsResumedWithARangeRequest() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    let body = payload(1_000_000, seed: 3)
    server.serve(body, at: "big.bin")
    server.dropNextResponse(to: "big.bin", after: 400_000)
    let directory = TemporaryDirectory()
    let target = directory.file("big.bin")
    let outcome = try fastDownloader().fetch(server.baseURL + "big.bin", md5: MD5.hex(of: body), to: target)
    #expect(outcome == .downloaded(resumed: true, attempts: 2))
    #expect(try ReadableFile.contents(at: target) == body)
    let requests = server.requests
    #expect(requests.count == 2)
    #expect(requests.first?.range == nil)
    #expect(requests.last?.range == "bytes=400000-")
    #expect(!FileManager.default.fileExists(atPath: target + ".part"))
}

@Test func partFileFromAnEarlierRunIsContinued() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    let body = payload(200_000, seed: 5)
    server.serve(body, at: "f.bin")
    let directory = TemporaryDirectory()
    let target = directory.file("f.bin")
    directory.write(Array(body.prefix(123_457)), to: "f.bin.part")
    let outcome = try fastDownloader().fetch(server.baseURL + "f.bin", md5: MD5.hex(of: body), to: target)
    #expect(outcome == .downloaded(resumed: true, attempts: 1))
    #expect(server.requests.map(\.range) == ["bytes=123457-"])
    #expect(try ReadableFile.contents(at: target) == body)
}

@Test func serverIgnoringRangesRestartsCleanly() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    server.setIgnoresRanges(true)
    let body = payload(150_000, seed: 9)
    server.serve(body, at: "f.bin")
    let directory = TemporaryDirectory()
    let target = directory.file("f.bin")
    directory.write(Array(body.prefix(70_000)), to: "f.bin.part")
    _ = try fastDownloader().fetch(server.baseURL + "f.bin", md5: MD5.hex(of: body), to: target)
    #expect(try ReadableFile.contents(at: target) == body) // the 200 answer replaced the partial file instead of being appended
}

@Test func staleOrCompletePartFilesStillEndVerified() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    let body = payload(80_000, seed: 11)
    server.serve(body, at: "f.bin")
    let directory = TemporaryDirectory()
    let target = directory.file("f.bin")
    // A part file from another version of the file: the stitched result fails MD5, so it starts over once.
    directory.write(payload(30_000, seed: 99), to: "f.bin.part")
    #expect(try fastDownloader().fetch(server.baseURL + "f.bin", md5: MD5.hex(of: body), to: target) == .downloaded(resumed: false, attempts: 2))
    #expect(try ReadableFile.contents(at: target) == body)
    // A part file that is already complete: the server answers 416 and the MD5 accepts it.
    unlink(target)
    directory.write(body, to: "f.bin.part")
    _ = try fastDownloader().fetch(server.baseURL + "f.bin", md5: MD5.hex(of: body), to: target)
    #expect(try ReadableFile.contents(at: target) == body)
    #expect(server.requests.last?.range == "bytes=80000-")
}

@Test func httpErrorsAndBadAddressesAreTypedErrors() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    let directory = TemporaryDirectory()
    let target = directory.file("missing.gz")
    let url = server.baseURL + "missing.gz"
    let error = caught { try fastDownloader().fetch(url, md5: String(repeating: "0", count: 32), to: target) }
    #expect(error as? DownloadError == .httpStatus(url: url, status: 404))
    #expect(!FileManager.default.fileExists(atPath: target) && !FileManager.default.fileExists(atPath: target + ".part"))
    #expect(caught { try fastDownloader().fetch("ftp://example.org/x", md5: "", to: target) } as? DownloadError
        == .invalidURL("ftp://example.org/x"))
    // Nothing listening: retried, then a typed error naming the address.
    let closed = try LocalHTTPServer()
    let deadURL = closed.baseURL + "x.gz"
    closed.stop()
    let network = caught { try Downloader(maximumAttempts: 2, retryDelay: 0, idleTimeout: 5).fetch(deadURL, md5: "", to: target) }
    guard case let .transferFailed(url: failedURL, attempts: attempts, message: _)? = network as? DownloadError else {
        Issue.record("expected transferFailed, got \(String(describing: network))")
        return
    }
    #expect(failedURL == deadURL && attempts == 2)
}

// MARK: archives

@Test func tarGzipExtractsFilesAndFolders() throws {
    let directory = TemporaryDirectory()
    let tar = TarWriter.tar([.directory("top/"), .file("top/a.txt", Array("hello".utf8)), .directory("top/sub/"),
                             .file("./top/sub/b.bin", payload(1500)), .file("top/empty", []),
                             .symlink("top/link", target: "/etc/passwd")])
    let archive = directory.write(Gzip.compress(tar), to: "t.tar.gz")
    let entries = try ArchiveReader.extract(archiveAt: archive, to: directory.file("out"))
    #expect(entries.map(\.name) == ["top", "top/a.txt", "top/sub", "top/sub/b.bin", "top/empty", "top/link"])
    #expect(entries.map(\.kind) == [.directory, .file, .directory, .file, .file, .skipped])
    #expect(entries.map(\.size) == [0, 5, 0, 1500, 0, 0])
    #expect(try ReadableFile.contents(at: directory.file("out/top/a.txt")) == Array("hello".utf8))
    #expect(try ReadableFile.contents(at: directory.file("out/top/sub/b.bin")) == payload(1500))
    #expect(try ReadableFile.contents(at: directory.file("out/top/empty")) == [])
    #expect(!FileManager.default.fileExists(atPath: directory.file("out/top/link"))) // links are never created
    // An uncompressed tar works as well, and listing it gives the same entries without writing anything.
    let plain = directory.write(tar, to: "t.tar")
    #expect(try ArchiveReader.extract(archiveAt: plain, to: directory.file("out2")) == entries)
    #expect(try ArchiveReader.entries(archiveAt: archive) == entries)
}

@Test func hardLinksAreListedButNeverCreated() throws {
    let directory = TemporaryDirectory()
    var tar = TarWriter.tar([.file("top/a.txt", Array("a".utf8))]).dropLast(1024)
    tar += TarWriter.header(name: "top/hard", size: 0, type: UInt8(ascii: "1"), linkName: "top/a.txt")
    tar += [UInt8](repeating: 0, count: 1024)
    let archive = directory.write(Array(tar), to: "links.tar")
    let entries = try ArchiveReader.extract(archiveAt: archive, to: directory.file("out"))
    #expect(entries.map(\.kind) == [.file, .skipped] && entries.map(\.name) == ["top/a.txt", "top/hard"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("out/top")) == ["a.txt"])
}

@Test func gnuAndPaxLongNamesAreUsedAndChecked() throws {
    let directory = TemporaryDirectory()
    let gnuName = "top/" + String(repeating: "g", count: 150)
    let paxName = "top/" + String(repeating: "p", count: 120)
    func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512) }
    func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).count + body.utf8.count != length { length += 1 } // the length counts its own digits
        return Array((String(length) + body).utf8)
    }
    let gnu = Array(gnuName.utf8) + [0]
    let pax = paxRecord("path", paxName)
    var tar = TarWriter.header(name: "././@LongLink", size: gnu.count, type: UInt8(ascii: "L")) + padded(gnu)
    tar += TarWriter.header(name: String(gnuName.prefix(100)), size: 1, type: UInt8(ascii: "0")) + padded([1])
    tar += TarWriter.header(name: "PaxHeader/p", size: pax.count, type: UInt8(ascii: "x")) + padded(pax)
    tar += TarWriter.header(name: "short-name-replaced-by-pax", size: 2, type: UInt8(ascii: "0")) + padded([2, 3])
    let archive = directory.write(tar + [UInt8](repeating: 0, count: 1024), to: "long.tar")
    let entries = try ArchiveReader.extract(archiveAt: archive, to: directory.file("out"))
    #expect(entries.map(\.name) == [gnuName, paxName] && entries.map(\.size) == [1, 2])
    #expect(try ReadableFile.contents(at: directory.file("out/" + paxName)) == [2, 3])
    // A pax name is checked like any other.
    let evil = paxRecord("path", "top/../../evil.txt")
    let bad = TarWriter.header(name: "PaxHeader/e", size: evil.count, type: UInt8(ascii: "x")) + padded(evil)
        + TarWriter.header(name: "innocent.txt", size: 0, type: UInt8(ascii: "0")) + [UInt8](repeating: 0, count: 1024)
    let badArchive = directory.write(bad, to: "evil.tar")
    #expect(caught { try ArchiveReader.extract(archiveAt: badArchive, to: directory.file("out2")) } as? ArchiveError
        == .unsafePath(archive: badArchive, entry: "top/../../evil.txt"))
}

@Test(arguments: ["../evil.txt", "top/../../evil.txt", "/tmp/evil.txt", "top\\..\\..\\evil.txt"])
func archivesRefusePathTraversal(name: String) throws {
    let directory = TemporaryDirectory()
    let tar = directory.write(Gzip.compress(TarWriter.tar([.file("top/ok.txt", [1]), .file(name, [2])])), to: "bad.tgz")
    #expect(caught { try ArchiveReader.extract(archiveAt: tar, to: directory.file("tar-out")) } as? ArchiveError
        == .unsafePath(archive: tar, entry: name))
    let zip = directory.write(ZipWriter.zip([("top/ok.txt", [1]), (name, [2])]), to: "bad.zip")
    // libarchive turns the backslashes of a zip made on MS-DOS (as ZipWriter's are) into slashes before ImageGen sees the name.
    let zipName = name.replacingOccurrences(of: "\\", with: "/")
    #expect(caught { try ArchiveReader.extract(archiveAt: zip, to: directory.file("zip-out")) } as? ArchiveError
        == .unsafePath(archive: zip, entry: zipName))
    #expect(!FileManager.default.fileExists(atPath: directory.file("zip-out"))) // zip names are checked before writing
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/evil.txt"))
}

@Test func damagedTarArchivesAreRefused() throws {
    let directory = TemporaryDirectory()
    var tar = TarWriter.tar([.file("a.txt", payload(2000))])
    // libarchive's own words, so only the case, the archive and the gist are asserted.
    let truncated = directory.write(Gzip.compress(Array(tar.prefix(1024))), to: "short.tgz")
    let shortError = caught { try ArchiveReader.extract(archiveAt: truncated, to: directory.file("o1")) } as? ArchiveError
    guard case .corrupt(archive: truncated, message: let shortMessage)? = shortError else {
        Issue.record("truncated tar accepted: \(String(describing: shortError))"); return
    }
    #expect(shortMessage.localizedCaseInsensitiveContains("truncated"))
    tar[10] ^= 0x01 // header checksum no longer matches
    let damaged = directory.write(Gzip.compress(tar), to: "bad.tgz")
    guard case .corrupt(archive: damaged, message: _)? = caught({ try ArchiveReader.extract(archiveAt: damaged, to: directory.file("o2")) }) as? ArchiveError else {
        Issue.record("checksum damage not detected"); return
    }
    // A cut gzip stream: libarchive decompresses, so this is now an ArchiveError rather than GzipReader's DataError.
    let gzipCut = Gzip.compress(TarWriter.tar([.file("a.txt", payload(20000))]))
    let cut = directory.write(Array(gzipCut.prefix(gzipCut.count / 2)), to: "cut.tgz")
    let cutError = caught { try ArchiveReader.extract(archiveAt: cut, to: directory.file("o3")) } as? ArchiveError
    guard case .corrupt(archive: cut, message: let cutMessage)? = cutError else {
        Issue.record("cut gzip accepted: \(String(describing: cutError))"); return
    }
    #expect(cutMessage.localizedCaseInsensitiveContains("truncated"))
    // A missing file is a file error, as for every other reader.
    let missing = directory.file("missing.tgz")
    #expect(caught { try ArchiveReader.extract(archiveAt: missing, to: directory.file("o4")) } is FileReadError)
}

@Test func zipExtractsStoredAndDeflatedEntriesAndChecksCRC() throws {
    let directory = TemporaryDirectory()
    let files: [(String, [UInt8])] = [("gzip/", []), ("gzip/emnist-letters-train-labels-idx1-ubyte.gz", payload(5000)),
                                      ("gzip/nested/x.txt", Array("x".utf8))]
    for deflated in [true, false] {
        let bytes = ZipWriter.zip(files, deflated: deflated)
        // The method of the first file, whose local header follows the folder's (30 bytes + "gzip/"): both are read.
        #expect(bytes[30 + 5 + 8] == (deflated ? 8 : 0))
        let zip = directory.write(bytes, to: "g\(deflated).zip")
        let out = directory.file("out\(deflated)")
        let entries = try ArchiveReader.extract(archiveAt: zip, to: out)
        #expect(entries.map(\.name) == ["gzip", "gzip/emnist-letters-train-labels-idx1-ubyte.gz", "gzip/nested/x.txt"])
        #expect(entries.map(\.kind) == [.directory, .file, .file] && entries.map(\.size) == [0, 5000, 1])
        #expect(try ReadableFile.contents(at: out + "/gzip/emnist-letters-train-labels-idx1-ubyte.gz") == payload(5000))
        #expect(try ReadableFile.contents(at: out + "/gzip/nested/x.txt") == Array("x".utf8))
    }
    let bad = directory.write(ZipWriter.zip(files, corruptCRCOf: "gzip/nested/x.txt"), to: "crc.zip")
    let crcError = caught { try ArchiveReader.extract(archiveAt: bad, to: directory.file("o")) } as? ArchiveError
    guard case .entryMismatch(archive: bad, entry: "gzip/nested/x.txt", message: let message)? = crcError else {
        Issue.record("CRC-32 mismatch not detected: \(String(describing: crcError))"); return
    }
    #expect(message.contains("CRC"))
    let notZip = directory.write(payload(100), to: "not.zip")
    guard case .corrupt(archive: notZip, message: _)? = caught({ try ArchiveReader.extract(archiveAt: notZip, to: directory.file("o4")) }) as? ArchiveError else {
        Issue.record("not-a-zip accepted"); return
    }
}

// MARK: installing whole datasets from the local server

@Test func installerKeepsGzipFilesAndTheyLoad() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    let images = Gzip.compress(IDXFile.encode(idxImages(count: 6, height: 28, width: 28)))
    let labels = Gzip.compress(IDXFile.encode(idxLabels([0, 1, 2, 3, 4, 5])))
    server.serve(images, at: "train-images-idx3-ubyte.gz")
    server.serve(labels, at: "train-labels-idx1-ubyte.gz")
    let source = DatasetSource(id: "fashion-mnist", title: "test", baseURL: "https://unused.invalid/",
                               files: [.init(name: "train-images-idx3-ubyte.gz", md5: MD5.hex(of: images)),
                                       .init(name: "train-labels-idx1-ubyte.gz", md5: MD5.hex(of: labels))],
                               packaging: .gzipFiles)
    let directory = TemporaryDirectory()
    let result = try DatasetInstaller(downloader: fastDownloader(), baseURL: server.baseURL).install(source, into: directory.path)
    #expect(result.datasetFolder == directory.path + "/fashion-mnist")
    let dataset = try FashionMNISTDataset.load(from: result.datasetFolder)
    #expect(dataset.shape == [6, 28, 28, 1] && dataset.labels == [0, 1, 2, 3, 4, 5])
}

@Test func installerExtractsTarGzipAndZipArchivesAtomically() throws {
    let server = try LocalHTTPServer()
    defer { server.stop() }
    let record = cifarRecord(labels: [1, 2], seed: 0)
    let tgz = Gzip.compress(TarWriter.tar([.directory("cifar-100-binary/"), .file("cifar-100-binary/train.bin", record + record),
                                           .file("cifar-100-binary/test.bin", record)]))
    server.serve(tgz, at: "cifar-100-binary.tar.gz")
    server.dropNextResponse(to: "cifar-100-binary.tar.gz", after: tgz.count / 2)
    let cifar = DatasetSource(id: "cifar100", title: "test", baseURL: server.baseURL,
                              files: [.init(name: "cifar-100-binary.tar.gz", md5: MD5.hex(of: tgz))],
                              packaging: .tarGzip(folder: "cifar-100-binary"))
    let directory = TemporaryDirectory()
    var installer = DatasetInstaller(downloader: fastDownloader())
    let result = try installer.install(cifar, into: directory.path)
    #expect(result.extracted && result.datasetFolder == directory.path + "/cifar100")
    #expect(result.files.map(\.outcome) == [.downloaded(resumed: true, attempts: 2)])
    #expect(try CIFAR100Dataset.load(from: result.datasetFolder).count == 2)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["archives", "cifar100"]) // no temporary folder
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/archives") == ["cifar-100-binary.tar.gz"]) // no .part
    // Installed already: nothing is fetched again.
    let requests = server.requests.count
    #expect(try installer.install(cifar, into: directory.path).extracted == false)
    #expect(server.requests.count == requests)

    // A zip with an unsafe entry: typed error, no final folder, temporary folder removed.
    let zip = ZipWriter.zip([("gzip/a.gz", [1, 2, 3]), ("gzip/../../escape", [4])])
    server.serve(zip, at: "gzip.zip")
    let emnist = DatasetSource(id: "emnist", title: "test", baseURL: "https://unused.invalid/",
                               files: [.init(name: "gzip.zip", md5: MD5.hex(of: zip))], packaging: .zip(folder: "gzip"))
    installer.baseURL = server.baseURL
    let error = caught { _ = try installer.install(emnist, into: directory.path) }
    #expect(error as? ArchiveError == .unsafePath(archive: directory.path + "/archives/gzip.zip", entry: "gzip/../../escape"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["archives", "cifar100"]) // no emnist, no temporary folder
    // A good zip installs, and the archive can be removed afterwards.
    let good = ZipWriter.zip([("gzip/", []), ("gzip/a.gz", [1, 2, 3])])
    server.serve(good, at: "gzip.zip")
    let emnistGood = DatasetSource(id: "emnist", title: "test", baseURL: "https://unused.invalid/",
                                   files: [.init(name: "gzip.zip", md5: MD5.hex(of: good))], packaging: .zip(folder: "gzip"))
    installer.deleteArchive = true
    let installed = try installer.install(emnistGood, into: directory.path)
    #expect(try ReadableFile.contents(at: installed.datasetFolder + "/a.gz") == [1, 2, 3])
    #expect(installed.datasetFolder == directory.path + "/emnist")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/archives") == ["cifar-100-binary.tar.gz"])
}

// MARK: byte to float conversion used by the loading benchmark

@Test func unitConversionMatchesTheTableForEveryByteAndTail() {
    let bytes = (0..<(256 * 3 + 13)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    let tensor = IDXArray(dims: [bytes.count], bytes: bytes).unitTensor(channelAxis: false)
    #expect(tensor.shape == [bytes.count])
    #expect(tensor.scalars == bytes.map { byteToUnit[Int($0)] })
    #expect(IDXArray(dims: [2, 2, 3], bytes: [UInt8](repeating: 255, count: 12)).unitTensor().shape == [2, 2, 3, 1])
}

@Test func fusedGzipLoadMatchesTwoStepLoadAndChecksLength() throws {
    let directory = TemporaryDirectory()
    let images = idxImages(count: 700, height: 28, width: 28) // 548,800 bytes: several 128 KiB chunks plus a tail
    let path = directory.file("images.gz")
    try IDXFile.write(images, to: path, compressed: true)
    let fused = try IDXFile.readUnitTensor(at: path)
    #expect(fused.shape == [700, 28, 28, 1])
    #expect(fused.scalars == images.unitTensor().scalars)
    let raw = directory.file("images.idx")
    try IDXFile.write(images, to: raw)
    #expect(try IDXFile.readUnitTensor(at: raw, channelAxis: false).shape == [700, 28, 28])
    let encoded = IDXFile.encode(images)
    let short = directory.write(Gzip.compress(Array(encoded.dropLast(5))), to: "short.gz")
    #expect(caught { _ = try IDXFile.readUnitTensor(at: short) } as? DataError
        == .truncated(path: short, expectedBytes: encoded.count, actualBytes: encoded.count - 5))
    let long = directory.write(Gzip.compress(encoded + [1]), to: "long.gz")
    #expect(caught { _ = try IDXFile.readUnitTensor(at: long) } as? DataError == .trailingData(path: long, expectedBytes: encoded.count))
}
