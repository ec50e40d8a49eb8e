// Fixed-signature wrappers around the few libvips calls imgedge needs.
//
// Swift cannot call libvips' variadic functions (`vips_thumbnail_buffer(..., NULL)`), so this
// target wraps them. Options travel in documented structs, so a new option never changes a
// signature.
//
// Ownership, everywhere in this file:
// - every `VipsImage *` returned through an out-parameter carries exactly one reference that the
//   caller owns and must release once with `g_object_unref` (Swift's `Image` does, in its deinit);
// - input images and buffers are borrowed, never released here;
// - libvips is lazy and does not copy input buffers: the bytes passed to a load must outlive
//   every image derived from them;
// - encoded output is allocated by libvips and released by the caller with `imgedge_vips_free`.
// All functions return 0 on success and -1 on failure, with the reason in libvips' error buffer.

#ifndef IMGEDGE_VIPS_H
#define IMGEDGE_VIPS_H

#include <stddef.h>
#include <vips/vips.h>

/// Starts libvips once per process: blocks untrusted loaders, turns off the operation cache
/// (every request is new work), sets libvips' own per-image thread count, drops libvips'
/// warnings and enables leak checking when asked. Returns -1 if libvips could not start.
int imgedge_vips_init(const char *program_name, int concurrency, int check_leaks);

/// Caps glibc's malloc arenas at `arenas` (M_ARENA_MAX), so threads started afterwards share
/// them instead of getting one each, and, when `map_large` is not 0, maps every allocation of
/// 1 MiB or more on its own (M_MMAP_THRESHOLD), so it goes back to the system when freed; each
/// unless its environment variable (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_) is set.
void imgedge_tune_malloc(int arenas, int map_large);

/// Maps at least `bytes` of liborc's code regions now (64 KiB each), for the loops libvips
/// compiles at run time: liborc maps each region through a new file in /tmp, never unmaps one,
/// and reuses what freed programs leave, so a process that may open no file later still
/// compiles its loops. Returns -1 if liborc could not map them, 0 also when libvips runs
/// without liborc. Holds the lock the shim puts around libvips' calls into liborc, whose code
/// memory is not safe to use from two threads at once (compiled_code.c).
int imgedge_vips_reserve_compiled_code(size_t bytes);

/// What a source declares in its header, read without decoding pixels.
typedef struct {
    int width;            ///< stored width of one frame, before EXIF rotation
    int height;           ///< stored height of one frame, before EXIF rotation
    int bands;
    int pages;            ///< frames in the file (1 for still images)
    int orientation;      ///< EXIF orientation 1-8 (1 when absent)
    int has_alpha;
    char loader[64];      ///< libvips loader nickname, e.g. "jpegload_buffer"
} imgedge_vips_header;

/// Reads the header of an encoded image in `buffer`.
int imgedge_vips_read_header(const void *buffer, size_t length, imgedge_vips_header *header);

/// How `imgedge_vips_thumbnail` shrinks a source.
typedef struct {
    int width;            ///< target box width in pixels (VIPS_MAX_COORD for unbounded)
    int height;           ///< target box height in pixels (VIPS_MAX_COORD for unbounded)
    VipsSize size;        ///< VIPS_SIZE_DOWN (never enlarge), _BOTH, or _FORCE (ignore aspect)
    VipsInteresting crop; ///< VIPS_INTERESTING_NONE, or how to crop to the box exactly
    int frames;           ///< frames to decode from an animated source; 1 for the first only
} imgedge_vips_thumbnail_options;

/// Decodes `buffer` with shrink-on-load, applies EXIF orientation, converts to 8-bit sRGB
/// (keeping alpha) and resizes to the box. Decoding errors and warnings fail the call
/// (fail_on=warning).
int imgedge_vips_thumbnail(const void *buffer, size_t length,
                           const imgedge_vips_thumbnail_options *options, VipsImage **out);

/// Like `imgedge_vips_thumbnail`, for 8-bit sRGB pixels already decoded into memory (rows packed
/// `width * bands` bytes apart), which the image borrows: no shrink-on-load, no EXIF.
int imgedge_vips_thumbnail_pixels(const void *pixels, size_t length, int width, int height, int bands,
                                  const imgedge_vips_thumbnail_options *options, VipsImage **out);

/// Cuts every frame of `in` to `width` x `height`, keeping the part that `direction` names
/// (a frame smaller than the box in a dimension keeps that dimension).
int imgedge_vips_crop(VipsImage *in, VipsCompassDirection direction, int width, int height,
                      VipsImage **out);

/// Turns every frame of `in` clockwise by `angle`, then mirrors it: `flip` bit 0 left to right,
/// bit 1 top to bottom.
int imgedge_vips_orient(VipsImage *in, VipsAngle angle, int flip, VipsImage **out);

/// Cuts the `width` x `height` rectangle at `left`, `top` out of every frame of `in`; fails when
/// it does not lie within the frames.
int imgedge_vips_extract(VipsImage *in, int left, int top, int width, int height, VipsImage **out);

/// The rectangle of `in`'s frames that holds content: the pixels that differ by more than
/// `threshold` (0-255) from the first frame's top-left pixel, seen on white, after libvips'
/// median noise filter; the union over the frames. The whole frame when every pixel is that
/// colour or a frame is smaller than 3 x 3. Frames over 1024 pixels a side are searched shrunk
/// to that, the box scaled back, and each of its edges searched again at full size only in a
/// band a few pixels wide around it, so the box is exact and the cost stays near that of the
/// shrunk search whatever the size. Computes the pixels of `in`.
int imgedge_vips_find_trim(VipsImage *in, double threshold, int *left, int *top, int *width, int *height);

/// Adds a border of colour `rgba` around every frame of `in`, `edges` pixels wide: top, right,
/// bottom, left (a negative edge cuts into the frame; letterboxing is padding to a box). An
/// alpha channel is added when the colour is not opaque.
int imgedge_vips_pad(VipsImage *in, const int edges[4], const double rgba[4], VipsImage **out);

/// Resizes every frame of `in`, already decoded, to the box as `options` say (`frames` is not
/// read): `imgedge_vips_thumbnail` without the load.
int imgedge_vips_thumbnail_image(VipsImage *in, const imgedge_vips_thumbnail_options *options,
                                 VipsImage **out);

/// Blends the alpha channel of `in` onto the opaque colour `rgb`; returns a new reference to
/// `in` unchanged when it has no alpha.
int imgedge_vips_flatten(VipsImage *in, const double rgb[3], VipsImage **out);

/// Maps the colour channels of `in` through `table` (768 bytes: entry c*256+v is channel c's
/// output for input v); alpha is kept as it is.
int imgedge_vips_map_table(VipsImage *in, const unsigned char table[768], VipsImage **out);

/// Multiplies each pixel's (red, green, blue) by the row-major 3x3 `matrix`, clamping to 8
/// bits; alpha is kept as it is.
int imgedge_vips_recombine(VipsImage *in, const double matrix[9], VipsImage **out);

/// Convolves the colour channels of every frame with a `size` x `size` kernel of row-major
/// `weights`, divided by `scale`, clamping to 8 bits; alpha is kept as it is. A kernel that is
/// the outer product of a vector with itself (a Gaussian) runs as two 1-D passes in libvips'
/// integer precision, as its own gaussblur does: 2·size operations a pixel instead of size².
/// Any other kernel runs in float precision.
int imgedge_vips_convolve(VipsImage *in, int size, double scale, const double *weights, VipsImage **out);

/// Copies the pixels of `in` out as tightly packed 8-bit rows. On success `*data` holds
/// `*length` bytes that the caller releases with `imgedge_vips_free`.
int imgedge_vips_copy_pixels(VipsImage *in, void **data, size_t *length);

/// A new image shaped like `like` (size, bands, frames, animation timing) whose pixels are a copy
/// of `data`, as `imgedge_vips_copy_pixels` laid them out.
int imgedge_vips_image_from_pixels(VipsImage *like, const void *data, size_t length, VipsImage **out);

/// Computes every pixel of `in` into memory. libvips is lazy: this is where decoding and
/// resizing actually happen, so the cost of those steps can be told apart from encoding.
int imgedge_vips_materialize(VipsImage *in, VipsImage **out);

/// How long a job may compute, and whether it has been called off: shared by the job's thread
/// and whoever cancels it. Reference-counted: `imgedge_vips_budget_new` returns one reference,
/// `imgedge_vips_watch` takes its own for as long as the watched image lives, and each is
/// released with `imgedge_vips_budget_unref`.
typedef struct imgedge_vips_budget imgedge_vips_budget;

/// A budget with no deadline yet (`imgedge_vips_budget_start` sets it), not cancelled.
imgedge_vips_budget *imgedge_vips_budget_new(void);
/// Sets the deadline `seconds` from now: the job has started.
void imgedge_vips_budget_start(imgedge_vips_budget *budget, double seconds);
void imgedge_vips_budget_unref(imgedge_vips_budget *budget);
/// Calls the job off: its next tile stops evaluation. Safe from any thread.
void imgedge_vips_budget_cancel(imgedge_vips_budget *budget);
/// 1 when the budget is cancelled or past its deadline, else 0.
int imgedge_vips_budget_is_spent(const imgedge_vips_budget *budget);
/// Seconds until the deadline: 0 once cancelled or past it, DBL_MAX before it is started.
double imgedge_vips_budget_seconds_left(const imgedge_vips_budget *budget);
/// Stops every later evaluation of `image` (materializing, copying out or encoding it) at the
/// next tile once `budget` is spent: libvips' eval signal sets the image's kill flag, and the
/// evaluating call fails.
void imgedge_vips_watch(VipsImage *image, imgedge_vips_budget *budget);

/// Frames stacked in `image` (libvips' "toilet roll"), 1 for still images.
int imgedge_vips_page_count(VipsImage *image);

/// The output formats `imgedge_vips_save` can write.
typedef enum {
    IMGEDGE_FORMAT_JPEG,
    IMGEDGE_FORMAT_PNG,
    IMGEDGE_FORMAT_WEBP,
    IMGEDGE_FORMAT_AVIF,
    IMGEDGE_FORMAT_GIF,
    IMGEDGE_FORMAT_JXL,
} imgedge_format;

/// How `imgedge_vips_save` encodes.
typedef struct {
    imgedge_format format;
    int quality;          ///< 1-100; ignored by PNG and GIF
    int effort;           ///< encoder CPU effort in the format's own range; JPEG: 0 baseline, 1 and up progressive
    int lossless;         ///< WebP: not 0 for lossless, quality then ignored; ignored by the others
    int palette;          ///< PNG: not 0 for at most 256 colours chosen by libimagequant (lossy), effort its 1-10
} imgedge_vips_save_options;

/// Encodes `in` with all metadata stripped. On success `*data` holds `*length` bytes that the
/// caller releases with `imgedge_vips_free`.
int imgedge_vips_save(VipsImage *in, const imgedge_vips_save_options *options,
                      void **data, size_t *length);

/// Releases a buffer returned by `imgedge_vips_save`.
void imgedge_vips_free(void *data);

/// Releases one reference to `image`.
void imgedge_vips_unref(VipsImage *image);

/// The text accumulated in libvips' process-global error buffer (valid until the next clear).
const char *imgedge_vips_error_text(void);

/// Ends a job on a pool thread: clears the error buffer and frees libvips' per-thread state.
void imgedge_vips_end_job(void);

#endif
