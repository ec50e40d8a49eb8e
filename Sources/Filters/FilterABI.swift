import WasmKit

/// The exports and signatures of ABI version 1, as `Modules/README.md` specifies them.
enum FilterABI {
    static let version: UInt32 = 1

    /// Exports every module has.
    static let common: [String: FunctionType] = [
        "imgedge_abi_version": FunctionType(parameters: [], results: [.i32]),
        "imgedge_alloc": FunctionType(parameters: [.i32], results: [.i32]),
        "imgedge_reset": FunctionType(parameters: [], results: []),
    ]

    /// The export groups that decide a module's kind; a module has exactly one.
    static let kinds: [(exports: [String: FunctionType], kind: @Sendable ([String]) -> FilterKind)] = [
        (["imgedge_lut": FunctionType(parameters: [.i32, .i32, .i32], results: [.i32])], { _ in .lookupTable }),
        (["imgedge_matrix": FunctionType(parameters: [.i32, .i32, .i32], results: [.i32])], { _ in .colourMatrix }),
        (["imgedge_kernel": FunctionType(parameters: [.i32, .i32, .i32, .i32], results: [.i32])], { _ in .kernel }),
        (
            ["imgedge_strip": FunctionType(parameters: Array(repeating: .i32, count: 9), results: [.i32])],
            { exports in .strips(hasHalo: exports.contains("imgedge_halo"), hasFinalize: exports.contains("imgedge_finalize")) }
        ),
        (
            [
                "imgedge_transform_input": FunctionType(parameters: [.i32], results: [.i32]),
                "imgedge_transform_chunk": FunctionType(parameters: [.i32, .i32], results: [.i32]),
                "imgedge_transform_finish": FunctionType(parameters: [], results: [.i32]),
                "imgedge_transform_output": FunctionType(parameters: [], results: [.i32]),
                "imgedge_transform_output_length": FunctionType(parameters: [], results: [.i32]),
            ],
            { _ in .transform }
        ),
    ]

    /// Optional exports: a strip filter's halo and finalize, any module's description of its
    /// arguments.
    static let optional: [String: FunctionType] = [
        "imgedge_halo": FunctionType(parameters: [.i32, .i32], results: [.i32]),
        "imgedge_finalize": FunctionType(parameters: [], results: [.i32]),
        "imgedge_describe": FunctionType(parameters: [], results: [.i32]),
        "imgedge_describe_length": FunctionType(parameters: [], results: [.i32]),
    ]

    /// The longest argument description read from a module, in bytes.
    static let maxDescriptionBytes = 256

    /// Maps a status result to an error kind; nil for success.
    static func errorKind(status: UInt32) -> FilterError.Kind? {
        switch status {
        case 0: nil
        case 1: .invalidFormat
        case 2: .outOfMemory
        default: .processingFailed
        }
    }
}
