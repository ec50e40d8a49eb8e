import Foundation
import Testing

@testable import Filters

@Suite("Loading and validating filter modules")
struct FilterModuleTests {
    @Test(
        "each export group decides the kind",
        arguments: [
            (TestModules.invertTable, FilterKind.lookupTable),
            (TestModules.scaleMatrix, .colourMatrix),
            (TestModules.boxKernel, .kernel),
            (TestModules.rowNumbers, .strips(hasHalo: false, hasFinalize: false)),
            (TestModules.shiftDown, .strips(hasHalo: true, hasFinalize: false)),
        ]
    )
    func kinds(text: String, kind: FilterKind) throws {
        #expect(try TestModules.load("m", text).kind == kind)
    }

    @Test(
        "modules outside the ABI are refused at load with a reason naming the module",
        arguments: [
            ("(module (memory (export \"memory\") 1 1))", "no filter or transform entry point"),
            (
                TestModules.module(memory: "1", "(func (export \"imgedge_lut\") (param i32 i32 i32) (result i32) (i32.const 0))"),
                "memory declares no maximum"
            ),
            (
                TestModules.module(
                    memory: "1 2048", "(func (export \"imgedge_lut\") (param i32 i32 i32) (result i32) (i32.const 0))"),
                "over the cap"
            ),
            (
                TestModules.module("(func (export \"imgedge_lut\") (param i32 i32) (result i32) (i32.const 0))"),
                "imgedge_lut has signature"
            ),
            (
                TestModules.module(
                    """
                    (func (export "imgedge_lut") (param i32 i32 i32) (result i32) (i32.const 0))
                    (func (export "imgedge_matrix") (param i32 i32 i32) (result i32) (i32.const 0))
                    """), "more than one kind"
            ),
            (
                """
                (module (import "env" "clock" (func (result i64)))
                  (memory (export "memory") 1 1)
                  (func (export "imgedge_lut") (param i32 i32 i32) (result i32) (i32.const 0)))
                """, "imports env.clock"
            ),
            (
                TestModules.module("(func (export \"imgedge_lut\") (param i32 i32 i32) (result i32) (i32.const 0))")
                    .replacingOccurrences(of: "(i32.const 1))", with: "(i32.const 7))"), "ABI version 7"
            ),
        ]
    )
    func refused(text: String, reason: String) throws {
        let error = #expect(throws: FilterError.self) { try TestModules.load("broken", text) }
        guard case .invalidModule(let name, let text)? = error else {
            Issue.record("expected invalidModule, got \(String(describing: error))")
            return
        }
        #expect(name == "broken")
        #expect(text.contains(reason), "\(text)")
    }

    @Test("the fingerprint follows the module's code, not its name")
    func fingerprint() throws {
        let invert = try TestModules.load("f", TestModules.invertTable)
        #expect(try TestModules.load("f", TestModules.invertTable).fingerprint == invert.fingerprint)
        #expect(try TestModules.load("f", TestModules.scaleMatrix).fingerprint != invert.fingerprint)
    }

    @Test("bytes that are not WebAssembly are refused at load")
    func notWebAssembly() {
        let error = #expect(throws: FilterError.self) {
            try FilterModule(name: "text", bytes: Array("not wasm at all".utf8), limits: FilterLimits())
        }
        #expect(error?.reason.hasPrefix("module text is invalid: not valid WebAssembly") == true)
    }
}
