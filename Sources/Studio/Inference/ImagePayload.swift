import Foundation
import Imaging

/// Images as the API carries them: PNG or JPEG bytes in base64, bare or as a `data:` URL.
enum ImagePayload {
    /// The bytes of `text` (base64, or a `data:image/…;base64,` URL); `field` names the JSON field in errors.
    static func bytes(_ text: String, field: String) throws -> [UInt8] {
        var body = Substring(text)
        if body.hasPrefix("data:") {
            guard let comma = body.firstIndex(of: ","), body[..<comma].hasSuffix(";base64") else {
                throw StudioError.badRequest("\(field): a data: URL must be base64 (data:image/png;base64,…)")
            }
            body = body[body.index(after: comma)...]
        }
        guard !body.isEmpty else { throw StudioError.badRequest("\(field) is empty") }
        guard let data = Data(base64Encoded: String(body), options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw StudioError.badRequest("\(field) is not valid base64")
        }
        return [UInt8](data)
    }

    /// Decodes `text` as a PNG or JPEG; a non-image, a truncated file or one over the pixel limit is 422.
    static func image(_ text: String, field: String) throws -> Image {
        let data = try bytes(text, field: field)
        do { return try decodeImage(data, path: field) } catch let error as ImageError {
            throw StudioError.unprocessable(error.description)
        }
    }

    /// `image` as a PNG data URL.
    static func dataURL(_ image: Image) throws -> String {
        "data:image/png;base64," + Data(try PNGCodec.encode(image)).base64EncodedString()
    }
}

/// How an uploaded image is made to fit a model: channels converted, centre-cropped to the model's aspect ratio,
/// halved while more than twice too large (each halving averages 2×2 pixels, so a photo does not alias), then
/// resized bilinearly. `steps` says what was done, for the page to show.
struct ImageConversion {
    var image: Image
    var steps: [String] = []

    init(_ upload: Image, height: Int, width: Int, channels: Int) throws {
        var image = upload
        let described = ["", "greyscale", "", "RGB", "RGBA"]
        if image.channels == 4 && channels != 4 {
            image = image.converted(toChannels: 3)
            steps.append("alpha channel dropped")
        }
        if image.channels != channels {
            steps.append("converted from \(described[image.channels]) to \(described[channels])" + (channels == 1 ? " (ITU-R 601 luma)" : ""))
            image = image.converted(toChannels: channels)
        }
        // The largest centred region of the model's aspect ratio.
        let scale = min(Double(image.width) / Double(width), Double(image.height) / Double(height))
        let cropWidth = max(1, min(image.width, Int((Double(width) * scale).rounded())))
        let cropHeight = max(1, min(image.height, Int((Double(height) * scale).rounded())))
        if cropWidth != image.width || cropHeight != image.height {
            image = try image.centreCropped(width: cropWidth, height: cropHeight)
            steps.append("centre-cropped from \(upload.width)×\(upload.height) to \(cropWidth)×\(cropHeight)")
        }
        if image.width != width || image.height != height {
            let from = "\(image.width)×\(image.height)"
            while image.width >= 4 * width && image.height >= 4 * height {
                image = image.resized(width: image.width / 2, height: image.height / 2)
            }
            image = image.resized(width: width, height: height)
            steps.append("resized from \(from) to \(width)×\(height)")
        }
        self.image = image
    }
}
