// Fixed-signature wrappers around libvips; the ownership rules are at the top of the header.
//
// Intermediate images live in arrays made by `vips_object_local_array` on a scratch parent
// object, so that every early return releases them by releasing the parent.

#include "imgedge_vips.h"
#include "frames.h"

#include <math.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// Drops a libvips warning: those for hostile files come one per tile ("error in tile 0 x 16"),
/// so a client could flood the log, and the failure itself reaches the caller as an error.
static void imgedge_drop_warning(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

int imgedge_vips_init(const char *program_name, int concurrency, int check_leaks) {
    if (VIPS_INIT(program_name) != 0) {
        return -1;
    }
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, imgedge_drop_warning, NULL);
    vips_block_untrusted_set(TRUE);
    // Untrusted marks operations that parse hostile files; our own pixels are not hostile, and
    // libvips 8.14 marks the JPEG XL saver too. The loader reads back what that saver wrote, to
    // score it (QualitySearch): no source reaches it, since SourceSniffer admits no JPEG XL.
    vips_operation_block_set("VipsForeignSaveJxl", FALSE);
    vips_operation_block_set("VipsForeignLoadJxl", FALSE);
    vips_cache_set_max(0);
    vips_concurrency_set(concurrency);
    if (check_leaks) {
        vips_leak_set(TRUE);  // libvips also turns this on by itself when VIPS_LEAK is set
    }
    return 0;
}

void imgedge_tune_malloc(int arenas, int map_large) {
    if (getenv("MALLOC_ARENA_MAX") == NULL) {
        mallopt(M_ARENA_MAX, arenas);
    }
    if (map_large != 0 && getenv("MALLOC_MMAP_THRESHOLD_") == NULL) {
        mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

int imgedge_vips_read_header(const void *buffer, size_t length, imgedge_vips_header *header) {
    VipsImage *image = vips_image_new_from_buffer(buffer, length, "", "access",
                                                  VIPS_ACCESS_SEQUENTIAL, NULL);
    if (image == NULL) {
        return -1;
    }
    int orientation = 1;
    if (vips_image_get_typeof(image, VIPS_META_ORIENTATION) != 0 &&
        vips_image_get_int(image, VIPS_META_ORIENTATION, &orientation) != 0) {
        orientation = 1;
    }
    const char *loader = NULL;
    if (vips_image_get_string(image, VIPS_META_LOADER, &loader) != 0) {
        loader = "";
    }
    header->width = vips_image_get_width(image);
    header->height = vips_image_get_page_height(image);
    header->bands = vips_image_get_bands(image);
    header->pages = vips_image_get_n_pages(image);
    header->orientation = (orientation >= 1 && orientation <= 8) ? orientation : 1;
    header->has_alpha = vips_image_hasalpha(image) ? 1 : 0;
    g_strlcpy(header->loader, loader, sizeof(header->loader));
    g_object_unref(image);
    return 0;
}

/// Makes `in` 8-bit sRGB, keeping an alpha channel; 16-bit, grey and other spaces convert.
static int to_srgb(VipsImage *in, VipsImage **out) {
    if (vips_image_get_interpretation(in) == VIPS_INTERPRETATION_sRGB &&
        vips_image_get_format(in) == VIPS_FORMAT_UCHAR) {
        g_object_ref(in);
        *out = in;
        return 0;
    }
    return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, NULL);
}

int imgedge_vips_thumbnail(const void *buffer, size_t length,
                           const imgedge_vips_thumbnail_options *options, VipsImage **out) {
    // libvips 8.14's thumbnail_buffer does not hand its own fail_on to the loader, so the
    // loader gets it in its option string. fail_on=warning: libjpeg only warns about corrupt
    // entropy data or a truncated scan and pads with grey, which must not become an
    // immutable 200.
    char loader_options[48] = "fail_on=warning";
    if (options->frames > 1) {
        g_snprintf(loader_options, sizeof(loader_options), "fail_on=warning,n=%d", options->frames);
    }
    VipsImage *thumbnail = NULL;
    if (vips_thumbnail_buffer((void *)buffer, length, &thumbnail, options->width,
                              "height", options->height,
                              "size", options->size,
                              "crop", options->crop,
                              "option_string", loader_options,
                              NULL) != 0) {
        return -1;
    }
    int status = to_srgb(thumbnail, out);
    g_object_unref(thumbnail);
    return status;
}

int imgedge_vips_thumbnail_pixels(const void *pixels, size_t length, int width, int height, int bands,
                                  const imgedge_vips_thumbnail_options *options, VipsImage **out) {
    VipsImage *image = vips_image_new_from_memory(pixels, length, width, height, bands, VIPS_FORMAT_UCHAR);
    if (image == NULL) {
        return -1;
    }
    image->Type = VIPS_INTERPRETATION_sRGB;
    VipsImage *thumbnail = NULL;
    int status = vips_thumbnail_image(image, &thumbnail, options->width, "height", options->height,
                                      "size", options->size, "crop", options->crop, NULL);
    g_object_unref(image);
    if (status != 0) {
        return -1;
    }
    status = to_srgb(thumbnail, out);
    g_object_unref(thumbnail);
    return status;
}

int imgedge_vips_page_count(VipsImage *image) {
    int page_height = vips_image_get_page_height(image);
    return page_height > 0 ? vips_image_get_height(image) / page_height : 1;
}

typedef struct {
    VipsCompassDirection direction;
    int width;
    int height;
} crop_argument;

static int crop_frame(VipsImage *frame, VipsImage **out, const void *argument) {
    const crop_argument *crop = argument;
    int width = MIN(crop->width, vips_image_get_width(frame));
    int height = MIN(crop->height, vips_image_get_height(frame));
    return vips_gravity(frame, out, crop->direction, width, height, NULL);
}

int imgedge_vips_crop(VipsImage *in, VipsCompassDirection direction, int width, int height,
                      VipsImage **out) {
    crop_argument argument = {direction, width, height};
    return imgedge_map_frames(in, crop_frame, &argument, out);
}

int imgedge_vips_flatten(VipsImage *in, const double rgb[3], VipsImage **out) {
    if (!vips_image_hasalpha(in)) {
        g_object_ref(in);
        *out = in;
        return 0;
    }
    VipsArrayDouble *background = vips_array_double_new(rgb, 3);
    int status = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return status;
}

/// An operation on the colour bands of an image; `argument` carries its parameters.
typedef int (*colour_operation)(VipsImage *colour, VipsImage **out, const void *argument);

/// Applies `operation` to the first three bands of `in`, casts the result to 8 bits (clamping)
/// and joins `in`'s alpha band back on.
static int on_colour_bands(VipsImage *in, colour_operation operation, const void *argument,
                           VipsImage **out) {
    VipsObject *scope = VIPS_OBJECT(vips_image_new());
    VipsImage **steps = (VipsImage **)vips_object_local_array(scope, 4);
    int has_alpha = vips_image_get_bands(in) == 4;
    int status = vips_extract_band(in, &steps[0], 0, "n", 3, NULL) ||
                 operation(steps[0], &steps[1], argument) ||
                 vips_cast(steps[1], has_alpha ? &steps[2] : out, VIPS_FORMAT_UCHAR, NULL);
    if (status == 0 && has_alpha) {
        status = vips_extract_band(in, &steps[3], 3, NULL) ||
                 vips_bandjoin2(steps[2], steps[3], out, NULL);
    }
    g_object_unref(scope);
    return status ? -1 : 0;
}

static int map_table(VipsImage *colour, VipsImage **out, const void *argument) {
    const unsigned char *table = argument;
    unsigned char interleaved[768];
    for (int value = 0; value < 256; value++) {
        for (int channel = 0; channel < 3; channel++) {
            interleaved[value * 3 + channel] = table[channel * 256 + value];
        }
    }
    VipsImage *lut = vips_image_new_from_memory_copy(interleaved, sizeof(interleaved), 256, 1, 3,
                                                     VIPS_FORMAT_UCHAR);
    if (lut == NULL) {
        return -1;
    }
    int status = vips_maplut(colour, out, lut, NULL);
    g_object_unref(lut);
    return status;
}

int imgedge_vips_map_table(VipsImage *in, const unsigned char table[768], VipsImage **out) {
    return on_colour_bands(in, map_table, table, out);
}

static int recombine(VipsImage *colour, VipsImage **out, const void *argument) {
    VipsImage *matrix = vips_image_new_matrix_from_array(3, 3, argument, 9);
    if (matrix == NULL) {
        return -1;
    }
    int status = vips_recomb(colour, out, matrix, NULL);
    g_object_unref(matrix);
    return status;
}

int imgedge_vips_recombine(VipsImage *in, const double matrix[9], VipsImage **out) {
    return on_colour_bands(in, recombine, matrix, out);
}

typedef struct {
    int size;
    double scale;
    const double *weights;
} kernel_argument;

/// Whether the `size` x `size` kernel is the outer product u uᵀ of one vector with itself (a
/// Gaussian is), and if so that vector in `vector`. Such a kernel is applied as one pass along
/// rows and one along columns: 2·size multiplications a pixel instead of size².
static int symmetric_separable(const double *weights, int size, double *vector) {
    double total = 0, largest = 0;
    for (int i = 0; i < size * size; i++) {
        total += weights[i];
        largest = fmax(largest, fabs(weights[i]));
    }
    if (total <= 0 || largest == 0) {
        return 0;
    }
    for (int row = 0; row < size; row++) {
        double sum = 0;
        for (int column = 0; column < size; column++) {
            sum += weights[row * size + column];
        }
        vector[row] = sum / sqrt(total);
    }
    for (int row = 0; row < size; row++) {
        for (int column = 0; column < size; column++) {
            if (fabs(weights[row * size + column] - vector[row] * vector[column]) > 1e-5 * largest) {
                return 0;
            }
        }
    }
    return 1;
}

/// A `width` x `height` mask of `values` divided by `scale`, made integer for libvips' fast
/// integer convolution: the values are scaled so the largest is 128, and the scale with them
/// (ConvolutionTests measures the cost: under a level on average against the exact result).
static VipsImage *integer_mask(const double *values, int width, int height, double scale) {
    int count = width * height;
    double largest = 0;
    for (int i = 0; i < count; i++) {
        largest = fmax(largest, fabs(values[i]));
    }
    double factor = largest > 0 ? 128 / largest : 1;
    double *scaled = g_new(double, count);
    for (int i = 0; i < count; i++) {
        scaled[i] = rint(values[i] * factor);
    }
    VipsImage *mask = vips_image_new_matrix_from_array(width, height, scaled, count);
    g_free(scaled);
    if (mask != NULL) {
        vips_image_set_double(mask, "scale", fmax(1, rint(scale * factor)));
        vips_image_set_double(mask, "offset", 0);
    }
    return mask;
}

static int convolve(VipsImage *colour, VipsImage **out, const void *argument) {
    const kernel_argument *kernel = argument;
    double vector[64];
    if (kernel->size <= 64 && symmetric_separable(kernel->weights, kernel->size, vector)) {
        // Two 1-D passes in libvips' integer precision, as its own gaussblur runs; convsep
        // divides by the mask's scale once per pass.
        VipsImage *mask = integer_mask(vector, kernel->size, 1, sqrt(kernel->scale));
        if (mask == NULL) {
            return -1;
        }
        int status = vips_convsep(colour, out, mask, "precision", VIPS_PRECISION_INTEGER, NULL);
        g_object_unref(mask);
        return status;
    }
    VipsImage *mask = vips_image_new_matrix_from_array(kernel->size, kernel->size, kernel->weights,
                                                       kernel->size * kernel->size);
    if (mask == NULL) {
        return -1;
    }
    vips_image_set_double(mask, "scale", kernel->scale);
    vips_image_set_double(mask, "offset", 0);
    int status = vips_conv(colour, out, mask, "precision", VIPS_PRECISION_FLOAT, NULL);
    g_object_unref(mask);
    return status;
}

static int convolve_frame(VipsImage *frame, VipsImage **out, const void *argument) {
    return on_colour_bands(frame, convolve, argument, out);
}

int imgedge_vips_convolve(VipsImage *in, int size, double scale, const double *weights, VipsImage **out) {
    kernel_argument argument = {size, scale, weights};
    return imgedge_map_frames(in, convolve_frame, &argument, out);
}

int imgedge_vips_copy_pixels(VipsImage *in, void **data, size_t *length) {
    *data = vips_image_write_to_memory(in, length);
    return *data == NULL ? -1 : 0;
}

int imgedge_vips_image_from_pixels(VipsImage *like, const void *data, size_t length, VipsImage **out) {
    VipsImage *image = vips_image_new_from_memory_copy(data, length, vips_image_get_width(like),
                                                       vips_image_get_height(like), vips_image_get_bands(like),
                                                       VIPS_FORMAT_UCHAR);
    if (image == NULL) {
        return -1;
    }
    image->Type = VIPS_INTERPRETATION_sRGB;
    if (imgedge_vips_page_count(like) > 1) {
        vips_image_set_int(image, VIPS_META_PAGE_HEIGHT, vips_image_get_page_height(like));
        int *delays;
        int count;
        if (vips_image_get_typeof(like, "delay") && vips_image_get_array_int(like, "delay", &delays, &count) == 0) {
            vips_image_set_array_int(image, "delay", delays, count);
        }
        int loop;
        if (vips_image_get_typeof(like, "loop") && vips_image_get_int(like, "loop", &loop) == 0) {
            vips_image_set_int(image, "loop", loop);
        }
    }
    *out = image;
    return 0;
}

int imgedge_vips_materialize(VipsImage *in, VipsImage **out) {
    *out = vips_image_copy_memory(in);
    return *out == NULL ? -1 : 0;
}

/// Reads a little-endian 32-bit value.
static uint32_t read_le32(const unsigned char *bytes) {
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

/// Whether a WebP chunk carries metadata (EXIF, XMP or an ICC profile).
static int is_webp_metadata(const unsigned char *fourcc) {
    return memcmp(fourcc, "EXIF", 4) == 0 || memcmp(fourcc, "XMP ", 4) == 0 || memcmp(fourcc, "ICCP", 4) == 0;
}

/// libvips 8.14's webpsave ignores `strip` (libvips issue 3340) and writes the source's EXIF,
/// XMP and ICC chunks anyway, GPS position included. This removes them in place, clears their
/// flags in the VP8X header and fixes the RIFF size. A file it cannot parse is left unchanged.
static void strip_webp_metadata(unsigned char *data, size_t *length) {
    if (*length < 12 || memcmp(data, "RIFF", 4) != 0 || memcmp(data + 8, "WEBP", 4) != 0) {
        return;
    }
    size_t offset = 12;
    while (offset + 8 <= *length) {
        uint32_t size = read_le32(data + offset + 4);
        if ((uint64_t)size + (size & 1) > *length - offset - 8) {
            return;
        }
        offset += 8 + (size_t)size + (size & 1);
    }
    if (offset != *length) {
        return;
    }
    size_t read = 12, write = 12;
    while (read < *length) {
        uint32_t size = read_le32(data + read + 4);
        size_t chunk = 8 + (size_t)size + (size & 1);
        if (!is_webp_metadata(data + read)) {
            memmove(data + write, data + read, chunk);
            write += chunk;
        }
        read += chunk;
    }
    if (write >= 21 && memcmp(data + 12, "VP8X", 4) == 0) {
        data[20] &= (unsigned char)~0x2C;  // ICC (0x20), EXIF (0x08) and XMP (0x04) flags
    }
    uint32_t riff_size = (uint32_t)(write - 8);
    data[4] = riff_size & 0xFF;
    data[5] = (riff_size >> 8) & 0xFF;
    data[6] = (riff_size >> 16) & 0xFF;
    data[7] = (riff_size >> 24) & 0xFF;
    *length = write;
}

int imgedge_vips_save(VipsImage *in, const imgedge_vips_save_options *options,
                      void **data, size_t *length) {
    switch (options->format) {
    case IMGEDGE_FORMAT_JPEG:
        // Effort 1 and up: progressive, a few percent smaller, for the optimised encode.
        return vips_jpegsave_buffer(in, data, length, "Q", options->quality,
                                    "optimize_coding", TRUE, "interlace", options->effort > 0,
                                    "strip", TRUE, NULL);
    case IMGEDGE_FORMAT_PNG:
        if (options->palette != 0) {
            return vips_pngsave_buffer(in, data, length, "compression", 9, "palette", TRUE,
                                       "effort", options->effort, "strip", TRUE, NULL);
        }
        return vips_pngsave_buffer(in, data, length, "compression", 6, "strip", TRUE, NULL);
    case IMGEDGE_FORMAT_WEBP:
        if (vips_webpsave_buffer(in, data, length, "Q", options->quality,
                                 "lossless", options->lossless != 0,
                                 "effort", options->effort, "strip", TRUE, NULL) != 0) {
            return -1;
        }
        strip_webp_metadata(*data, length);
        return 0;
    case IMGEDGE_FORMAT_AVIF:
        return vips_heifsave_buffer(in, data, length, "Q", options->quality,
                                    "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                                    "effort", options->effort, "bitdepth", 8,
                                    "strip", TRUE, NULL);
    case IMGEDGE_FORMAT_GIF:
        return vips_gifsave_buffer(in, data, length, "effort", options->effort,
                                   "strip", TRUE, NULL);
    case IMGEDGE_FORMAT_JXL:
        return vips_jxlsave_buffer(in, data, length, "Q", options->quality,
                                   "effort", options->effort, "strip", TRUE, NULL);
    }
    vips_error("imgedge", "unknown output format %d", (int)options->format);
    return -1;
}

void imgedge_vips_free(void *data) {
    g_free(data);
}

void imgedge_vips_unref(VipsImage *image) {
    g_object_unref(image);
}

const char *imgedge_vips_error_text(void) {
    return vips_error_buffer();
}

void imgedge_vips_end_job(void) {
    vips_error_clear();
    vips_thread_shutdown();
}

struct imgedge_vips_budget {
    gint references;
    gint cancelled;  ///< set from any thread, atomically
    gint64 deadline; ///< g_get_monotonic_time() microseconds; see imgedge_vips_budget_start
};

imgedge_vips_budget *imgedge_vips_budget_new(void) {
    imgedge_vips_budget *budget = g_new0(imgedge_vips_budget, 1);
    budget->references = 1;
    budget->deadline = G_MAXINT64;
    return budget;
}

void imgedge_vips_budget_start(imgedge_vips_budget *budget, double seconds) {
    // Written once on the job's thread before any evaluation starts the threads that read it.
    budget->deadline = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
}

void imgedge_vips_budget_unref(imgedge_vips_budget *budget) {
    if (g_atomic_int_dec_and_test(&budget->references)) {
        g_free(budget);
    }
}

void imgedge_vips_budget_cancel(imgedge_vips_budget *budget) {
    g_atomic_int_set(&budget->cancelled, 1);
}

int imgedge_vips_budget_is_spent(const imgedge_vips_budget *budget) {
    return g_atomic_int_get(&budget->cancelled) || g_get_monotonic_time() > budget->deadline;
}

double imgedge_vips_budget_seconds_left(const imgedge_vips_budget *budget) {
    if (g_atomic_int_get(&budget->cancelled)) {
        return 0;
    }
    if (budget->deadline == G_MAXINT64) {
        return G_MAXDOUBLE;
    }
    return MAX(0, (double)(budget->deadline - g_get_monotonic_time()) / G_USEC_PER_SEC);
}

/// libvips' eval signal, sent as tiles are computed.
static void stop_when_spent(VipsImage *image, VipsProgress *progress, void *data) {
    (void)progress;
    if (imgedge_vips_budget_is_spent(data)) {
        vips_image_set_kill(image, TRUE);
    }
}

/// Releases the watch's reference when the signal handler goes with its image.
static void release_watch(void *data, GClosure *closure) {
    (void)closure;
    imgedge_vips_budget_unref(data);
}

void imgedge_vips_watch(VipsImage *image, imgedge_vips_budget *budget) {
    g_atomic_int_inc(&budget->references);
    vips_image_set_progress(image, TRUE);
    g_signal_connect_data(image, "eval", G_CALLBACK(stop_when_spent), budget, release_watch, 0);
}
