// Times one libvips saver on a materialised resize of a photo, for EncoderCost's table, and
// tells whether a kill flag raised after a given time stops it. One libvips thread, as a worker.
//   encoder-cost FILE FORMAT WIDTH HEIGHT QUALITY EFFORT KILL_AFTER_SECONDS (0: never)
#include <vips/vips.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gint64 started;
static gint64 kill_after;

static void maybe_kill(VipsImage *image, VipsProgress *progress, void *unused) {
    if (kill_after > 0 && g_get_monotonic_time() - started > kill_after) {
        vips_image_set_kill(image, TRUE);
    }
}

static int save(VipsImage *image, const char *format, int quality, int effort, void **data, size_t *length) {
    if (!strcmp(format, "webp"))
        return vips_webpsave_buffer(image, data, length, "Q", quality, "effort", effort, "strip", TRUE, NULL);
    if (!strcmp(format, "avif"))
        return vips_heifsave_buffer(image, data, length, "Q", quality, "compression",
                                    VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "effort", effort, "bitdepth", 8,
                                    "strip", TRUE, NULL);
    if (!strcmp(format, "jxl"))
        return vips_jxlsave_buffer(image, data, length, "Q", quality, "effort", effort, "strip", TRUE, NULL);
    if (!strcmp(format, "gif"))
        return vips_gifsave_buffer(image, data, length, "effort", effort, "strip", TRUE, NULL);
    if (!strcmp(format, "jpeg"))
        return vips_jpegsave_buffer(image, data, length, "Q", quality, "optimize_coding", TRUE, "strip", TRUE, NULL);
    return vips_pngsave_buffer(image, data, length, "compression", 6, "strip", TRUE, NULL);
}

int main(int argc, char **argv) {
    if (argc != 8 || VIPS_INIT(argv[0])) {
        fprintf(stderr, "usage: %s FILE FORMAT WIDTH HEIGHT QUALITY EFFORT KILL_AFTER_SECONDS\n", argv[0]);
        return 2;
    }
    vips_concurrency_set(1);
    int width = atoi(argv[3]), height = atoi(argv[4]), quality = atoi(argv[5]), effort = atoi(argv[6]);
    kill_after = (gint64)(atof(argv[7]) * G_USEC_PER_SEC);
    VipsImage *resized;
    if (vips_thumbnail(argv[1], &resized, width, "height", height, "size", VIPS_SIZE_FORCE, NULL)) {
        fprintf(stderr, "%s\n", vips_error_buffer());
        return 1;
    }
    VipsImage *image = vips_image_copy_memory(resized);
    vips_image_set_progress(image, TRUE);
    g_signal_connect(image, "eval", G_CALLBACK(maybe_kill), NULL);
    void *data = NULL;
    size_t length = 0;
    started = g_get_monotonic_time();
    int failed = save(image, argv[2], quality, effort, &data, &length);
    double seconds = (g_get_monotonic_time() - started) / (double)G_USEC_PER_SEC;
    printf("%s %dx%d q%d effort %d: %s after %.2f s, %zu bytes, %.0f ns/pixel\n", argv[2], width, height, quality,
           effort, failed ? "stopped" : "finished", seconds, length, seconds * 1e9 / ((double)width * height));
    g_free(data);
    g_object_unref(image);
    g_object_unref(resized);
    return 0;
}
