import ImageTestSupport
import Vips

/// The PNG (lossless) encoding of `image`.
///
/// A lazy thumbnail of a JPEG reads its source sequentially and so can be encoded only once;
/// materialize it first to encode it again.
func png(_ image: borrowing Image) throws -> [UInt8] {
    try image.encoded(as: .png, quality: 100, effort: 0)
}

/// The pixels of `image`, through a lossless PNG.
func pixels(_ image: borrowing Image) throws -> Pixels {
    try Pixels(decoding: png(image))
}
