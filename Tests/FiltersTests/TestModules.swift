import Filters
import WAT

/// Filter modules written inline as WebAssembly text, well-behaved and hostile.
enum TestModules {
    /// Memory, version, and a bump allocator that grows memory: what every module needs.
    static func module(memory: String = "1 64", _ body: String) -> String {
        """
        (module
          (memory (export "memory") \(memory))
          (global $next (mut i32) (i32.const 1024))
          (func (export "imgedge_abi_version") (result i32) (i32.const 1))
          (func (export "imgedge_reset") (global.set $next (i32.const 1024)))
          (func (export "imgedge_alloc") (param $size i32) (result i32)
            (local $start i32)
            (local.set $start (global.get $next))
            (global.set $next (i32.add (local.get $start)
              (i32.and (i32.add (local.get $size) (i32.const 15)) (i32.const -16))))
            (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
              (then (if (i32.eq (i32.const -1)
                  (memory.grow (i32.sub (i32.add (i32.shr_u (global.get $next) (i32.const 16)) (i32.const 1)) (memory.size))))
                (then (return (i32.const 0))))))
            (local.get $start))
          \(body)
        )
        """
    }

    /// A lookup table that inverts every channel.
    static let invertTable = module(
        """
        (func (export "imgedge_lut") (param $args i32) (param $argc i32) (param $table i32) (result i32)
          (local $i i32)
          (loop $next
            (i32.store8 (i32.add (local.get $table) (local.get $i))
              (i32.sub (i32.const 255) (i32.and (local.get $i) (i32.const 255))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $next (i32.lt_u (local.get $i) (i32.const 768))))
          (i32.const 0))
        """)

    /// A colour matrix scaled by its first argument (identity × argument), 1 by default.
    static let scaleMatrix = module(
        """
        (func (export "imgedge_matrix") (param $args i32) (param $argc i32) (param $matrix i32) (result i32)
          (local $scale f32)
          (local.set $scale (f32.const 1))
          (if (i32.gt_u (local.get $argc) (i32.const 1)) (then (return (i32.const 1))))
          (if (i32.eq (local.get $argc) (i32.const 1)) (then (local.set $scale (f32.load (local.get $args)))))
          (memory.fill (local.get $matrix) (i32.const 0) (i32.const 36))
          (f32.store (local.get $matrix) (local.get $scale))
          (f32.store offset=16 (local.get $matrix) (local.get $scale))
          (f32.store offset=32 (local.get $matrix) (local.get $scale))
          (i32.const 0))
        """)

    /// A 3×3 box blur kernel.
    static let boxKernel = module(
        """
        (func (export "imgedge_kernel") (param $args i32) (param $argc i32) (param $kernel i32) (param $capacity i32) (result i32)
          (local $i i32)
          (i32.store (local.get $kernel) (i32.const 3))
          (f32.store offset=4 (local.get $kernel) (f32.const 9))
          (loop $next
            (f32.store offset=8 (i32.add (local.get $kernel) (i32.shl (local.get $i) (i32.const 2))) (f32.const 1))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $next (i32.lt_u (local.get $i) (i32.const 9))))
          (i32.const 0))
        """)

    /// A strip filter that writes `(first_row + row) % 256` into every sample of each row, so a
    /// test can see that every row of the frame was visited once, at the right place.
    static let rowNumbers = module(
        """
        (func (export "imgedge_strip") (param $args i32) (param $argc i32) (param $pixels i32)
            (param $width i32) (param $rows i32) (param $bands i32) (param $stride i32)
            (param $first i32) (param $height i32) (result i32)
          (local $row i32)
          (block $done (loop $next
            (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
            (memory.fill (i32.add (local.get $pixels) (i32.mul (local.get $row) (local.get $stride)))
              (i32.add (local.get $first) (local.get $row)) (i32.mul (local.get $width) (local.get $bands)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $next)))
          (i32.const 0))
        """)

    /// A strip filter with a halo of 2 that copies each row from the row two above it, which
    /// only works if the halo rows are there (and the top edge row repeated).
    static let shiftDown = module(
        """
        (func (export "imgedge_halo") (param $args i32) (param $argc i32) (result i32) (i32.const 2))
        (func (export "imgedge_strip") (param $args i32) (param $argc i32) (param $pixels i32)
            (param $width i32) (param $rows i32) (param $bands i32) (param $stride i32)
            (param $first i32) (param $height i32) (result i32)
          (local $row i32)
          (local.set $row (local.get $rows))
          (block $done (loop $next
            (br_if $done (i32.eqz (local.get $row)))
            (local.set $row (i32.sub (local.get $row) (i32.const 1)))
            (memory.copy (i32.add (local.get $pixels) (i32.mul (local.get $row) (local.get $stride)))
              (i32.add (local.get $pixels) (i32.mul (i32.sub (local.get $row) (i32.const 2)) (local.get $stride)))
              (local.get $stride))
            (br $next)))
          (i32.const 0))
        """)

    /// A lookup table (all zeros) computed after growing memory by `pages` pages of 64 KiB: a
    /// job that leaves its instance's memory that much larger.
    static func growing(pages: Int) -> String {
        module(
            memory: "1 512",
            """
            (func (export "imgedge_lut") (param $args i32) (param $argc i32) (param $table i32) (result i32)
              (if (i32.eq (memory.grow (i32.const \(pages))) (i32.const -1)) (then (return (i32.const 2))))
              (i32.const 0))
            """)
    }

    /// A lookup-table module whose entry point never returns.
    static let infiniteLoop = module(
        """
        (func (export "imgedge_lut") (param $args i32) (param $argc i32) (param $table i32) (result i32)
          (loop $forever (br $forever))
          (i32.const 0))
        """)

    /// A lookup-table module that grows its memory until it cannot, then says so.
    static let memoryBomb = module(
        """
        (func (export "imgedge_lut") (param $args i32) (param $argc i32) (param $table i32) (result i32)
          (block $full (loop $more
            (br_if $full (i32.eq (memory.grow (i32.const 16)) (i32.const -1)))
            (br $more)))
          (i32.const 2))
        """)

    /// A lookup-table module that stores past the end of its memory.
    static let outOfBounds = module(
        """
        (func (export "imgedge_lut") (param $args i32) (param $argc i32) (param $table i32) (result i32)
          (i32.store (i32.const 0x7ffffff0) (i32.const 1))
          (i32.const 0))
        """)

    /// An allocator that answers an offset outside memory: the host must not trust it.
    static let lyingAllocator = """
        (module
          (memory (export "memory") 1 1)
          (func (export "imgedge_abi_version") (result i32) (i32.const 1))
          (func (export "imgedge_reset"))
          (func (export "imgedge_alloc") (param i32) (result i32) (i32.const 0x7fff0000))
          (func (export "imgedge_lut") (param i32 i32 i32) (result i32) (i32.const 0)))
        """

    /// Compiles `text` and validates it as filter `name`.
    static func load(_ name: String, _ text: String, limits: FilterLimits = FilterLimits()) throws -> FilterModule {
        try FilterModule(name: name, bytes: wat2wasm(text), limits: limits)
    }
}
