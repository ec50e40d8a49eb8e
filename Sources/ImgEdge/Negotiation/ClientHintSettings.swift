/// Whether `ClientHints` are read, and the widths a width hint is rounded up to.
struct ClientHintSettings: Sendable, Hashable {
    /// Whether client hints size URLs without `w` or `dpr` (and `Save-Data` lowers quality).
    var isEnabled = true
    /// The widths in pixels a `Sec-CH-Width` is rounded up to, ascending: by default 16 steps
    /// from 64 to 4096, each about 1.32 times the one before.
    var widthBuckets = [64, 84, 111, 147, 194, 256, 338, 446, 588, 776, 1024, 1351, 1783, 2353, 3104, 4096]

    init() {}

    /// The settings of this concern, under `hints.` in a config file.
    static let configurationKeys: [ConfigurationKey<Self>] = [
        .boolean(
            "hints.enabled", flag: "client-hints", \.isEnabled,
            help: "Size URLs without w or dpr by Sec-CH-Width and Sec-CH-DPR, and lower the default quality for Save-Data: on."),
        .integerList(
            "hints.width_buckets", flag: "width-buckets", \.widthBuckets, in: 1...65_535,
            help: "The widths in pixels a width hint is rounded up to."),
    ]
}
