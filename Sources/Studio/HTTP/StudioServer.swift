import Data
import Experiments
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Imaging
import Models
import NN

/// `imagegen serve`: the studio's page and JSON API on Hummingbird.
public struct StudioServer: Sendable {
    public struct Options: Sendable {
        public var runs = "runs"
        public var host = "127.0.0.1"
        public var port = 8080
        /// Bodies over this many bytes get 413 before being read whole.
        public var bodyLimit = 8 << 20
        public init(runs: String = "runs", host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = 8 << 20) {
            self.runs = runs
            self.host = host
            self.port = port
            self.bodyLimit = bodyLimit
        }
    }

    public let options: Options
    public let service: StudioService
    let page: StudioPage

    /// Reads the page and the OpenAPI document from the package's resources and opens the runs folder.
    public init(options: Options) throws {
        self.options = options
        service = try StudioService(runs: options.runs)
        page = try StudioPage()
    }

    /// The application, for `run()` and for tests (Hummingbird's testing client).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "ImageGen Studio"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                    logger: {
                        var logger = Logger(label: "imagegen.studio")
                        logger.logLevel = .warning
                        return logger
                    }())
    }

    /// Serves until SIGINT or SIGTERM.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onRunning: onRunning).runService()
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: StudioErrorMiddleware())
        router.add(middleware: SameOriginMiddleware())
        router.add(middleware: JSONBodyMiddleware(limit: options.bodyLimit))
        let service = self.service, page = self.page, limit = options.bodyLimit

        router.get("/") { _, _ in page.response(for: "index.html") }
        router.get("/assets/{file}") { _, context in page.response(for: try context.parameters.require("file")) }
        router.get("/openapi.json") { _, _ in bytes(page.openAPI, type: "application/json") }

        router.get("/api/runs") { _, _ in json(service.runs()) }
        router.get("/api/runs/{id}") { _, context in bytes(try service.runDetail(try context.parameters.require("id")), type: "application/json") }
        router.get("/api/runs/{id}/metrics") { _, context in json(try service.progress(try context.parameters.require("id"))) }
        router.get("/api/runs/{id}/test-image") { request, context in
            let index: Int?
            if let text = request.uri.queryParameters.get("index") {
                guard let value = Int(text), value >= 0 else { throw StudioError.badRequest("index '\(text)' is not a number ≥ 0") }
                index = value
            } else {
                index = nil
            }
            return json(try await service.testImage(try context.parameters.require("id"), index: index))
        }
        router.post("/api/complete") { request, _ in
            let body = try await collect(request, limit: limit)
            let result = try await service.complete(try decodeBody(CompletionRequest.self, from: body, fields: CompletionRequest.fields))
            if request.headers[.accept].map({ $0.contains("image/png") && !$0.contains("application/json") }) ?? false {
                var response = bytes(try StudioService.firstCompletionPNG(result), type: "image/png")
                response.headers[HTTPField.Name("X-Hidden-MSE")!] = String(result.hiddenMSE)
                response.headers[HTTPField.Name("X-Batch-Size")!] = String(result.batch)
                return response
            }
            return json(result)
        }
        router.post("/api/backgrounds") { request, _ in
            let body = try await collect(request, limit: limit)
            return json(try await service.backgrounds(try decodeBody(BackgroundRequest.self, from: body, fields: BackgroundRequest.fields)))
        }
        router.post("/api/letters") { request, _ in
            let body = try await collect(request, limit: limit)
            return json(try await service.letters(try decodeBody(LetterRequest.self, from: body, fields: LetterRequest.fields)))
        }
        router.get("/runs/{id}/**") { _, context in
            let file = try service.reportFile(try context.parameters.require("id"), path: context.parameters.getCatchAll().map(String.init))
            var response = bytes(file.bytes, type: file.contentType)
            // The report is ImageGen's own page; it runs no script and loads only its own files.
            response.headers[.contentSecurityPolicy] = "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
            return response
        }
        return router
    }
}

/// Reads at most `limit` bytes of the body; a longer one is 413.
func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
    do {
        let buffer = try await request.body.collect(upTo: limit)
        return Array(buffer.readableBytesView)
    } catch let error as HTTPResponseError where error.status == .contentTooLarge {
        throw StudioError.tooLarge(limit: limit)
    }
}

func bytes(_ body: [UInt8], type: String, status: HTTPResponse.Status = .ok) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = type
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
}

func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
    bytes(encodeBody(value), type: "application/json", status: status)
}

/// The page's files and the OpenAPI document, read once from the package's resources.
struct StudioPage: Sendable {
    let files: [String: (bytes: [UInt8], type: String)]
    let openAPI: [UInt8]

    init() throws {
        guard let resources = Bundle.module.resourceURL else { throw ExperimentError.missingFile("the studio's resources") }
        func read(_ path: String) throws -> [UInt8] {
            let file = resources.appendingPathComponent(path).path
            guard let data = FileManager.default.contents(atPath: file) else { throw ExperimentError.missingFile(file) }
            return [UInt8](data)
        }
        files = [
            "index.html": (try read("page/index.html"), "text/html; charset=utf-8"),
            "studio.js": (try read("page/studio.js"), "text/javascript; charset=utf-8"),
            "studio.css": (try read("page/studio.css"), "text/css; charset=utf-8"),
        ]
        openAPI = try read("openapi.json")
    }

    /// The page's own scripts and styles only; images may be data: URLs (the API's results).
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    func response(for name: String) -> Response {
        guard let file = files[name] else {
            return json(ErrorBody(error: "no such file", status: 404), status: .notFound)
        }
        var response = bytes(file.bytes, type: file.type)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        return response
    }
}

struct ErrorBody: Codable {
    var error: String
    var status: Int
}

/// Every error becomes JSON `{"error", "status"}`: the studio's own with their status, Hummingbird's (no route, a
/// wrong method) as they are, and every other (the library's: a file that does not decode, a model that refuses a
/// shape) as 422, so no request gets a 5xx. Every response gets the headers that keep the page and its data to this origin.
struct StudioErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as StudioError {
            response = json(ErrorBody(error: error.description, status: error.status), status: .init(code: error.status))
        } catch let error as HTTPResponseError {
            let status = error.status.code >= 500 ? HTTPResponse.Status.badRequest : error.status
            let message = (error as? HTTPError)?.body ?? status.reasonPhrase
            response = json(ErrorBody(error: message.isEmpty ? status.reasonPhrase : message, status: status.code), status: status)
        } catch {
            // The library's own errors (ImageError, ModelError, DataError, …) describe what the input did wrong.
            response = json(ErrorBody(error: String(describing: error), status: 422), status: .unprocessableContent)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "same-origin"
        return response
    }
}

/// Requests from other origins are refused (no CORS at all): a browser marks a cross-site request with `Origin`
/// (and `Sec-Fetch-Site`), and those must name this server.
struct SameOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" || site == "same-site" {
            throw StudioError.forbidden("requests from other sites are not allowed")
        }
        if let origin = request.headers[HTTPField.Name("Origin")!] {
            let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? ""
            guard origin == "http://\(host)" || origin == "https://\(host)" else {
                throw StudioError.forbidden("requests from origin \(origin) are not allowed: the studio serves only its own page")
            }
        }
        return try await next(request, context)
    }
}

/// POST bodies must be JSON (so a form on another site cannot post one without a preflight the server refuses)
/// and no longer than the limit: a `Content-Length` over it is refused before a byte of the body is read.
struct JSONBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .post {
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw StudioError.tooLarge(limit: limit) }
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/json" else {
                throw StudioError.unsupportedMediaType("POST bodies must be application/json, not \(type ?? "untyped")")
            }
        }
        return try await next(request, context)
    }
}
