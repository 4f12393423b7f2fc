/// Why letters could not be rendered: no fonts, or a FreeType call that failed.
public enum LetterRenderingError: Error, CustomStringConvertible, Equatable {
    case noFonts(folder: String)
    case fontFailed(path: String, code: Int32)
    case freetypeFailed(String, code: Int32)

    public var description: String {
        switch self {
        case .noFonts(let folder): return "no TrueType fonts (*.ttf) found in \(folder): install fonts-dejavu-core or pass another --font-dir"
        case .fontFailed(let path, let code): return "cannot load font \(path) (FreeType error \(code))"
        case .freetypeFailed(let what, let code): return "FreeType: \(what) failed (error \(code))"
        }
    }
}
