extension ScaleErrors {
    /// The pooled errors of a distorted image against a prepared reference at one scale.
    init(reference: ReferenceScale, distorted: XYBImage, blur: GaussianBlur) {
        let (width, height, planeSize) = (distorted.planes.width, distorted.planes.height, distorted.planes.planeSize)
        var scratch = BlurScratch(windowCount: 3, rowCount: 3, width: width)
        channels = reference.xyb.planes.samples.withUnsafeBufferPointer { references in
            reference.moments.samples.withUnsafeBufferPointer { moments in
                distorted.planes.samples.withUnsafeBufferPointer { distorteds in
                    scratch.withBuffers { slots, rows, rowScratch in
                        (0..<3).map { channel in
                            ChannelErrors(
                                reference: references.baseAddress! + channel * planeSize,
                                distorted: distorteds.baseAddress! + channel * planeSize,
                                width: width,
                                height: height,
                                referenceMoments: .prepared(
                                    means: moments.baseAddress! + channel * planeSize,
                                    variances: moments.baseAddress! + (3 + channel) * planeSize,
                                    width: width
                                ),
                                windowSlots: slots[0..<3],
                                rows: rows[0..<3],
                                rowScratch: rowScratch,
                                blur: blur
                            )
                        }
                    }
                }
            }
        }
    }

    /// The pooled errors of a distorted image against a reference at one scale, with the reference's moments
    /// blurred on the spot and never stored: a one-off comparison's way, cheaper in memory than preparing.
    init(reference: XYBImage, distorted: XYBImage, blur: GaussianBlur) {
        let (width, height, planeSize) = (distorted.planes.width, distorted.planes.height, distorted.planes.planeSize)
        var scratch = BlurScratch(windowCount: 5, rowCount: 5, width: width)
        channels = reference.planes.samples.withUnsafeBufferPointer { references in
            distorted.planes.samples.withUnsafeBufferPointer { distorteds in
                scratch.withBuffers { slots, rows, rowScratch in
                    (0..<3).map { channel in
                        let reference = references.baseAddress! + channel * planeSize
                        return ChannelErrors(
                            reference: reference,
                            distorted: distorteds.baseAddress! + channel * planeSize,
                            width: width,
                            height: height,
                            referenceMoments: .streamed(
                                values: RowWindow(slots: slots[3], width: width, height: height, plane: reference, factors: nil),
                                squares: RowWindow(
                                    slots: slots[4], width: width, height: height, plane: reference, factors: reference),
                                means: rows[3],
                                variances: rows[4]
                            ),
                            windowSlots: slots[0..<3],
                            rows: rows[0..<3],
                            rowScratch: rowScratch,
                            blur: blur
                        )
                    }
                }
            }
        }
    }
}
