/// Why the studio refused a request: each case is one HTTP status, and its message names the field or the run.
public enum StudioError: Error, Equatable, CustomStringConvertible {
    /// 400: the request is malformed (not JSON, a missing or mistyped field, bad base64).
    case badRequest(String)
    /// 403: a request from another origin.
    case forbidden(String)
    /// 404: no such run id or file.
    case notFound(String)
    /// 413: the body is over the limit.
    case tooLarge(limit: Int)
    /// 415: a POST body that is not `application/json`.
    case unsupportedMediaType(String)
    /// 422: well-formed but unusable (not an image, a mask of the wrong size, a run of the wrong kind).
    case unprocessable(String)

    public var status: Int {
        switch self {
        case .badRequest: return 400
        case .forbidden: return 403
        case .notFound: return 404
        case .tooLarge: return 413
        case .unsupportedMediaType: return 415
        case .unprocessable: return 422
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let m), .forbidden(let m), .notFound(let m), .unsupportedMediaType(let m), .unprocessable(let m): return m
        case .tooLarge(let limit): return "the request body is over the limit of \(limit) bytes"
        }
    }
}
