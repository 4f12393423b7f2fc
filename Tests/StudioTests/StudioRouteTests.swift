import Engine
import Experiments
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Imaging
import Testing
@testable import Studio

/// Five tiny runs trained once for every route test: a completion network on free-form strokes, a CNN on the
/// bottom half, a sampling PixelCNN, a diverse background generator and a letter GAN, each trained in seconds.
final class StudioFixture: Sendable {
    let root: String
    let pngs: String

    static let shared: StudioFixture = {
        do { return try StudioFixture() } catch { fatalError("the studio's test runs could not be trained: \(error)") }
    }()

    init() throws {
        root = NSTemporaryDirectory() + "imagegen-studio-tests-\(UUID().uuidString)"
        pngs = root + "-pngs"
        // The runs live as long as the test process; they are removed when it exits.
        studioFixtureFolders = [root, pngs]
        atexit { for folder in studioFixtureFolders { try? FileManager.default.removeItem(atPath: folder) } }
        try FileManager.default.createDirectory(atPath: pngs, withIntermediateDirectories: true)
        for i in 0..<48 {
            try writeImage(Self.blob(i), to: String(format: "%@/img%03d.png", pngs, i))
        }
        for (name, model, mask) in [("completion-strokes", AutoencoderModel.completion, "strokes"), ("cnn-bottom", .cnn, "bottom"),
                                   ("pixelcnn-bottom", .pixelCNN, "bottom")] {
            var c = TrainingConfiguration()
            c.dataset = "folder:\(pngs)"
            c.model = model
            c.task = .complete
            c.mask = MaskKind(mask)!
            c.latentSize = 8
            c.encoderFilters = [4, 8]
            c.decoderFilters = [8, 4]
            c.epochs = 1
            c.batchSize = 8
            c.threads = 1
            try TrainingSession(configuration: c, runFolder: "\(root)/\(name)", mode: .create, reporter: ProgressReporter(quiet: true)).run()
        }
        var b = BackgroundConfiguration()
        b.kind = .diverse
        b.steps = 2
        b.batchSize = 4
        b.hiddenSize = 16
        b.threads = 1
        try BackgroundJob.train(b, runFolder: "\(root)/backgrounds", mode: .create, reporter: ProgressReporter(quiet: true))
        var g = GANConfiguration()
        g.epochs = 1
        g.batchSize = 26
        g.hiddenSize = 16
        g.threads = 1
        var letters = [Float](), labels = [Int]()
        for letter in 0..<26 {
            letters += (0..<4096).map { Float(($0 + letter * 97) % 64) / 32 - 1 }
            labels.append(letter)
        }
        let job = try GANJob(configuration: g, data: LetterSet(images: letters, labels: labels, source: "test pattern"))
        let folder = try RunFolder(path: "\(root)/gan", mode: .create)
        try TrainingLoop.start(job, configuration: g, folder: folder, mode: .create, reporter: ProgressReporter(quiet: true)).run()
    }

    /// A 12×12 blob that moves with `i`.
    static func blob(_ i: Int) -> Image {
        let cy = Double(i % 12), cx = Double((i * 5) % 12)
        let pixels = (0..<144).map { p -> Float in
            let y = Double(p / 12), x = Double(p % 12)
            return Float(exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / 8))
        }
        return Image(width: 12, height: 12, channels: 1, pixels: pixels)
    }

    func server(bodyLimit: Int = 8 << 20) throws -> StudioServer {
        try StudioServer(options: StudioServer.Options(runs: root, port: 0, bodyLimit: bodyLimit))
    }
}

nonisolated(unsafe) var studioFixtureFolders: [String] = []

func dataURL(_ image: Image) throws -> String {
    "data:image/png;base64," + Data(try PNGCodec.encode(image)).base64EncodedString()
}

func decodeDataURL(_ url: String) throws -> Image {
    let base64 = try #require(url.split(separator: ",").last)
    return try decodeImage([UInt8](try #require(Data(base64Encoded: String(base64)))))
}

extension TestClientProtocol {
    /// POSTs `body` as JSON and decodes the reply's JSON object.
    func post(_ uri: String, _ body: [String: Any], headers: HTTPFields = [.contentType: "application/json"]) async throws
        -> (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields) {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: data)) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return (response.status, object, response.headers)
        }
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, json: Any?, body: ByteBuffer, headers: HTTPFields) {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, try? JSONSerialization.jsonObject(with: Data(buffer: response.body)), response.body, response.headers)
        }
    }
}

@Suite(.serialized) struct StudioRouteTests {
    let fixture = StudioFixture.shared

    @Test func listsEveryRunWithItsKindAndServesItsDetailMetricsAndReport() async throws {
        try await fixture.server().application().test(.router) { client in
            let list = try await client.get("/api/runs")
            #expect(list.status == .ok)
            let runs = try #require((list.json as? [String: Any])?["runs"] as? [[String: Any]])
            let jobs = Dictionary(uniqueKeysWithValues: runs.map { ($0["id"] as! String, $0["job"] as! String) })
            #expect(jobs == ["completion-strokes": "autoencoder", "cnn-bottom": "autoencoder", "pixelcnn-bottom": "autoencoder",
                             "backgrounds": "background", "gan": "gan"])
            #expect(runs.first { $0["id"] as? String == "pixelcnn-bottom" }?["sampling"] as? Bool == true)
            let completion = try #require(runs.first { $0["id"] as? String == "completion-strokes" })
            #expect(completion["takesMask"] as? Bool == true && completion["status"] as? String != nil)
            #expect(completion["imageShape"] as? [Int] == [12, 12, 1])
            #expect(runs.first { $0["id"] as? String == "cnn-bottom" }?["takesMask"] as? Bool == false)

            let detail = try await client.get("/api/runs/cnn-bottom")
            #expect(detail.status == .ok)
            let body = try #require(detail.json as? [String: Any])
            #expect((body["configuration"] as? [String: Any])?["model"] as? String == "cnn")
            #expect(((body["metrics"] as? [String: Any])?["rows"] as? [Any])?.count == 1)

            let progress = try await client.get("/api/runs/backgrounds/metrics")
            #expect(progress.status == .ok)
            #expect(((progress.json as? [String: Any])?["progress"] as? [String: Any])?["done"] as? Int == 2)

            let report = try await client.get("/runs/cnn-bottom/report.html")
            #expect(report.status == .ok)
            #expect(report.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(report.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(String(buffer: report.body).contains("<html"))
        }
    }

    @Test func aRunThatIsTrainingShowsItsProgressAsItsMetricsGrow() async throws {
        // A copy of the background run whose metrics log stops after its first step, as while training.
        let root = fixture.root + "-training"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(fixture.root)/backgrounds", toPath: "\(root)/live")
        let log = "\(root)/live/metrics.csv"
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3, "a header and two steps: \(lines)")
        try (lines[0] + "\n" + lines[1] + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let server = try StudioServer(options: StudioServer.Options(runs: root, port: 0))
        try await server.application().test(.router) { client in
            let first = try #require(try await client.get("/api/runs/live/metrics").json as? [String: Any])
            #expect(first["status"] as? String == "training")
            #expect((first["progress"] as? [String: Any])?["done"] as? Int == 1)
            #expect((first["progress"] as? [String: Any])?["total"] as? Int == 2)
            try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
            let second = try #require(try await client.get("/api/runs/live/metrics").json as? [String: Any])
            #expect(second["status"] as? String == "finished")
            #expect(((second["metrics"] as? [String: Any])?["rows"] as? [Any])?.count == 2)
        }
    }

    @Test func unknownIdsPathsAndHiddenFilesAre404() async throws {
        try await fixture.server().application().test(.router) { client in
            for uri in ["/api/runs/nope", "/api/runs/..", "/api/runs/%2E%2E", "/api/runs/..~..", "/api/runs/%2Fetc%2Fpasswd",
                        "/api/runs/nope/metrics", "/api/runs/nope/test-image", "/runs/nope/report.html",
                        "/runs/cnn-bottom/model.safetensors", "/runs/cnn-bottom/config.json", "/runs/cnn-bottom/../gan/report.html",
                        "/runs/cnn-bottom/%2E%2E/%2E%2E/etc/passwd.html", "/runs/cnn-bottom/.hidden.html", "/assets/secret.js", "/nothing"] {
                let response = try await client.get(uri)
                #expect(response.status == .notFound, "\(uri) gave \(response.status)")
                #expect((response.json as? [String: Any])?["error"] as? String != nil, "\(uri) has no JSON error")
            }
        }
    }

    @Test func pageAssetsAndOpenAPIDocumentAreServedWithAStrictPolicy() async throws {
        try await fixture.server().application().test(.router) { client in
            let page = try await client.get("/")
            #expect(page.status == .ok)
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe"))
            #expect(String(buffer: page.body).contains("studio.js"))
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            for asset in ["studio.js", "studio.css"] {
                #expect(try await client.get("/assets/\(asset)").status == .ok)
            }
            let document = try #require(try await client.get("/openapi.json").json as? [String: Any])
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"] as? [String: Any])
            for path in ["/api/runs", "/api/complete", "/api/backgrounds", "/api/letters"] { #expect(paths[path] != nil, "\(path)") }
        }
    }

    @Test func completesATestImageKeepingTheVisiblePixels() async throws {
        try await fixture.server().application().test(.router) { client in
            let test = try #require(try await client.get("/api/runs/completion-strokes/test-image?index=3").json as? [String: Any])
            // An image folder has no test partition: the run's validation split (a fifth of 48) stands in.
            #expect(test["index"] as? Int == 3 && test["count"] as? Int == 10 && test["split"] as? String == "validation", "\(test)")
            let image = try #require(test["image"] as? String)
            let blobs = try (0..<48).map { try decodeDataURL(dataURL(StudioFixture.blob($0))).pixels }
            #expect(blobs.contains(try decodeDataURL(image).pixels), "the test image is one of the dataset's")
            #expect(try await client.get("/api/runs/completion-strokes/test-image?index=10").status == .unprocessableContent)
            #expect(try await client.get("/api/runs/completion-strokes/test-image?index=-1").status == .badRequest)
            #expect(try await client.get("/api/runs/backgrounds/test-image").status == .unprocessableContent)

            // A painted mask: a block in the middle hidden (black), the rest visible (white).
            let painted = Image(width: 12, height: 12, channels: 1, pixels: (0..<144).map { p in (3..<8).contains(p / 12) && (2..<9).contains(p % 12) ? 0 : 1 })
            let reply = try await client.post("/api/complete", ["run": "completion-strokes", "image": image, "mask": try dataURL(painted)])
            #expect(reply.status == .ok, "\(reply.json)")
            #expect(reply.json["hiddenPixels"] as? Int == 35)
            #expect(reply.json["takesMask"] as? Bool == true && reply.json["note"] == nil)
            let completion = try decodeDataURL(try #require((reply.json["completions"] as? [String])?.first))
            #expect(completion.width == 12 && completion.height == 12 && completion.channels == 1)
            let original = try decodeDataURL(image)
            for p in 0..<144 where painted.pixels[p] == 1 {
                #expect(completion.pixels[p] == original.pixels[p], "visible pixel \(p) changed")
            }
            let mse = try #require(reply.json["hiddenMSE"] as? Double)
            var expected = 0.0
            for p in 0..<144 where painted.pixels[p] == 0 { expected += Double(completion.pixels[p] - original.pixels[p]) * Double(completion.pixels[p] - original.pixels[p]) }
            #expect(abs(mse - expected / 35) < 2e-3, "hidden MSE \(mse) against \(expected / 35) from the 8-bit PNGs")

            // Accept: image/png gives the completion itself, with its hidden MSE in a header.
            var headers: HTTPFields = [.contentType: "application/json", .accept: "image/png"]
            let body = try JSONSerialization.data(withJSONObject: ["run": "cnn-bottom", "image": image, "mask": "run"])
            try await client.execute(uri: "/api/complete", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                let png = try decodeImage(Array(response.body.readableBytesView))
                #expect(png.width == 12 && png.height == 12)
                #expect(Double(response.headers[HTTPField.Name("X-Hidden-MSE")!] ?? "") != nil)
                #expect(Array(png.pixels[0..<72]) == Array(original.pixels[0..<72]), "the CNN's visible top half is pasted")
            }
            headers[.accept] = nil

            // A model that does not take the mask says so when the mask is not its run's.
            let other = try await client.post("/api/complete", ["run": "cnn-bottom", "image": image, "mask": "top"])
            #expect(other.status == .ok)
            #expect((other.json["note"] as? String)?.contains("trained on") == true)

            // An uploaded colour photo of another size is converted and the conversion is named.
            let photo = Image(width: 40, height: 30, channels: 3, pixels: (0..<3600).map { Float($0 % 7) / 7 })
            let converted = try await client.post("/api/complete", ["run": "completion-strokes", "image": try dataURL(photo), "mask": "centre"])
            #expect(converted.status == .ok, "\(converted.json)")
            #expect((converted.json["conversion"] as? [String])?.isEmpty == false)
            #expect(try decodeDataURL(try #require(converted.json["original"] as? String)).width == 12)
        }
    }

    @Test func aSamplingModelDrawsDifferentRepeatableCompletionsAndTheirMean() async throws {
        let image = try dataURL(StudioFixture.blob(4))
        try await fixture.server().application().test(.router) { client in
            let body: [String: Any] = ["run": "pixelcnn-bottom", "image": image, "mask": "bottom", "samples": 4, "seed": 9]
            let reply = try await client.post("/api/complete", body)
            #expect(reply.status == .ok, "\(reply.json)")
            #expect(reply.json["sampling"] as? Bool == true)
            let samples = try #require(reply.json["completions"] as? [String])
            #expect(samples.count == 4 && Set(samples).count == 4, "four different samples")
            #expect((reply.json["sampleMSE"] as? [Double])?.count == 4)
            let original = try decodeDataURL(image)
            let decoded = try samples.map(decodeDataURL)
            for sample in decoded { #expect(Array(sample.pixels[0..<72]) == Array(original.pixels[0..<72]), "the visible top half is kept") }
            let mean = try decodeDataURL(try #require(reply.json["mean"] as? String))
            for p in [80, 100, 130] {
                let average = decoded.map { $0.pixels[p] }.reduce(0, +) / 4
                #expect(abs(mean.pixels[p] - average) <= 1 / 255 + 1e-6, "the mean image is the mean of the samples at \(p)")
            }
            #expect(try await client.post("/api/complete", body).json["completions"] as? [String] == samples, "a seed repeats its samples")
            var other = body
            other["seed"] = 10
            #expect(try await client.post("/api/complete", other).json["completions"] as? [String] != samples)
            other["samples"] = 17
            #expect(try await client.post("/api/complete", other).status == .unprocessableContent)
        }
    }

    @Test func badCompletionRequestsGetA4xxNamingTheProblemAndTheNextRequestIsServed() async throws {
        let image = try dataURL(StudioFixture.blob(1))
        var truncated = try PNGCodec.encode(StudioFixture.blob(1))
        truncated.removeLast(truncated.count / 2)
        let wrongMask = try dataURL(Image(width: 5, height: 5, channels: 1, filledWith: 1))
        let cases: [([String: Any], HTTPResponse.Status, String)] = [
            (["run": "completion-strokes", "image": "data:image/png;base64,@@@not base64@@@"], .badRequest, "base64"),
            (["run": "completion-strokes", "image": "data:image/png;base64," + Data(truncated).base64EncodedString()], .unprocessableContent, "truncated"),
            (["run": "completion-strokes", "image": "data:image/png;base64," + Data("just text, not an image".utf8).base64EncodedString()], .unprocessableContent, "PNG or JPEG"),
            (["run": "completion-strokes", "image": image, "mask": wrongMask], .unprocessableContent, "5×5"),
            (["run": "completion-strokes", "image": image, "mask": "diagonal"], .unprocessableContent, "preset"),
            (["run": "completion-strokes", "image": image, "mask": try dataURL(Image(width: 12, height: 12, channels: 1, filledWith: 1))], .unprocessableContent, "hides no pixel"),
            (["run": "backgrounds", "image": image], .unprocessableContent, "not an autoencoder"),
            (["run": "nope", "image": image], .notFound, "nope"),
            (["run": "cnn-bottom", "image": image, "samples": 4], .unprocessableContent, "deterministic"),
            (["run": "completion-strokes", "image": image, "samlpes": 4], .badRequest, "samlpes"),
            (["run": "completion-strokes"], .badRequest, "image"),
            (["run": "completion-strokes", "image": 7], .badRequest, "image"),
            (["run": "completion-strokes", "image": image, "temperature": -1], .unprocessableContent, "temperature"),
        ]
        try await fixture.server().application().test(.router) { client in
            for (body, status, words) in cases {
                let reply = try await client.post("/api/complete", body)
                #expect(reply.status == status, "\(body.keys.sorted()) gave \(reply.status): \(reply.json)")
                let message = try #require(reply.json["error"] as? String)
                #expect(message.contains(words), "'\(message)' does not name \(words)")
                #expect(reply.json["status"] as? Int == Int(status.code))
            }
            let good = try await client.post("/api/complete", ["run": "completion-strokes", "image": image, "mask": "bottom"])
            #expect(good.status == .ok)
        }
    }

    @Test func bodiesOverTheLimitWrongTypesAndForeignOriginsAreRefused() async throws {
        try await fixture.server(bodyLimit: 4096).application().test(.router) { client in
            let big = try await client.post("/api/complete", ["run": "completion-strokes", "image": String(repeating: "A", count: 10_000)])
            #expect(big.status == .contentTooLarge, "\(big.json)")

            let text = try await client.post("/api/complete", ["run": "cnn-bottom"], headers: [.contentType: "text/plain"])
            #expect(text.status == .unsupportedMediaType)
            let form = try await client.post("/api/backgrounds", ["run": "backgrounds"], headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(form.status == .unsupportedMediaType)

            let foreign = try await client.post("/api/backgrounds", ["run": "backgrounds"],
                                                headers: [.contentType: "application/json", .origin: "http://evil.example"])
            #expect(foreign.status == .forbidden)
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            let crossSite = try await client.get("/api/runs", headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden)
            let malformed = try await client.post("/api/letters", ["run": "gan", "text": "a"], headers: [.contentType: "application/json", .origin: "null"])
            #expect(malformed.status == .forbidden)
            let notJSON = try await client.execute(uri: "/api/letters", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: "{\"run\": ")) { $0.status }
            #expect(notJSON == .badRequest)
            #expect(try await client.get("/api/runs").status == .ok)
        }
    }

    @Test func samplesBackgroundsWithTheirMeasures() async throws {
        try await fixture.server().application().test(.router) { client in
            let reply = try await client.post("/api/backgrounds", ["run": "backgrounds", "count": 4, "seed": 2])
            #expect(reply.status == .ok, "\(reply.json)")
            let images = try #require(reply.json["images"] as? [String])
            #expect(images.count == 4)
            let first = try decodeDataURL(images[0])
            #expect(first.width == 64 && first.height == 64 && first.channels == 3)
            #expect(try decodeDataURL(try #require(reply.json["grid"] as? String)).width > 4 * 64)
            for measure in ["diversity", "smoothness", "coverage"] {
                #expect((reply.json[measure] as? Double)?.isFinite == true, "\(measure)")
            }
            let again = try await client.post("/api/backgrounds", ["run": "backgrounds", "count": 4, "seed": 2])
            #expect(again.json["images"] as? [String] == images, "the same seed gives the same backgrounds")
            #expect(try await client.post("/api/backgrounds", ["run": "backgrounds", "count": 65]).status == .unprocessableContent)
            #expect(try await client.post("/api/backgrounds", ["run": "gan"]).status == .unprocessableContent)
            #expect(try await client.post("/api/backgrounds", ["run": "backgrounds", "count": "many"]).status == .badRequest)
        }
    }

    @Test func writesAWordInGeneratedLettersWithBlankSpaces() async throws {
        try await fixture.server().application().test(.router) { client in
            let plain = try await client.post("/api/letters", ["run": "gan", "text": "Hi yo", "mode": "none"])
            #expect(plain.status == .ok, "\(plain.json)")
            #expect(plain.json["text"] as? String == "hi yo")
            let row = try decodeDataURL(try #require(plain.json["image"] as? String))
            #expect(row.width == 5 * 64 && row.height == 64)
            let space = Array(row.pixels.enumerated().filter { ($0.offset % (5 * 64)) / 64 == 2 }.map(\.element))
            #expect(space.allSatisfy { $0 == 1 }, "the space is a blank tile")

            let coloured = try await client.post("/api/letters", ["run": "gan", "text": "ab", "backgroundRun": "backgrounds",
                                                                  "mode": ColourisationMode.allCases[0].rawValue])
            #expect(coloured.status == .ok, "\(coloured.json)")
            #expect(try decodeDataURL(try #require(coloured.json["image"] as? String)).channels == 3)

            for (body, words) in [(["run": "gan", "text": "a1"], "'1'"), (["run": "gan", "text": "   "], "no letter"),
                                  (["run": "gan", "text": "a", "mode": "sepia"], "sepia"), (["run": "cnn-bottom", "text": "a"], "not a letter GAN"),
                                  (["run": "gan", "text": String(repeating: "a", count: 33)], "32")] {
                let reply = try await client.post("/api/letters", body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect((reply.json["error"] as? String)?.contains(words) == true, "\(reply.json)")
            }
        }
    }

    @Test func concurrentRequestsSeeOneLoadedModelAndAreBatched() async throws {
        let server = try fixture.server()
        let images = try (0..<24).map { try dataURL(StudioFixture.blob($0)) }
        let results = try await withThrowingTaskGroup(of: CompletionResult.self) { group in
            for image in images {
                group.addTask { try await server.service.complete(CompletionRequest(run: "cnn-bottom", image: image)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 24)
        #expect(results.allSatisfy { $0.completions.count == 1 && $0.hiddenMSE.isFinite })
        #expect(results.contains { $0.batch > 1 }, "24 requests at once never shared a forward pass")
        // The same image gives the same completion whether it was batched or not.
        let alone = try await server.service.complete(CompletionRequest(run: "cnn-bottom", image: images[5]))
        let batched = try #require(results.first { $0.original == alone.original })
        #expect(batched.completions == alone.completions)
    }
}
