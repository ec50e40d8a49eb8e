// libvips' own thumbnail, in process: the baseline imgedge's server is measured against.
//
// Usage: vips_baseline FILE WIDTH FORMAT ITERATIONS
// Loads FILE into memory once, then ITERATIONS times: thumbnail from the buffer to WIDTH
// pixels wide and encode as FORMAT (jpeg: Q80, optimised Huffman tables; webp: Q80, effort 4;
// metadata stripped) — the same encoder settings as imgedge's defaults. Prints the CPU
// milliseconds per image (user + system, from getrusage) and the output size.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <vips/vips.h>

static double cpu_ms(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

int main(int argc, char **argv) {
    if (argc != 5 || VIPS_INIT(argv[0])) {
        fprintf(stderr, "usage: %s FILE WIDTH jpeg|webp ITERATIONS\n", argv[0]);
        return 2;
    }
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    gchar *source;
    gsize length;
    if (!g_file_get_contents(argv[1], &source, &length, NULL)) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    int width = atoi(argv[2]);
    int webp = strcmp(argv[3], "webp") == 0;
    int iterations = atoi(argv[4]);
    size_t output_size = 0;
    double start = cpu_ms();
    for (int i = 0; i < iterations; i++) {
        VipsImage *thumbnail;
        void *output;
        size_t output_length;
        if (vips_thumbnail_buffer(source, length, &thumbnail, width, NULL) ||
            (webp ? vips_webpsave_buffer(thumbnail, &output, &output_length, "Q", 80, "effort", 4, "strip", TRUE, NULL)
                  : vips_jpegsave_buffer(thumbnail, &output, &output_length, "Q", 80, "optimize_coding", TRUE,
                                         "strip", TRUE, NULL))) {
            vips_error_exit(NULL);
        }
        output_size = output_length;
        g_free(output);
        g_object_unref(thumbnail);
    }
    printf("%.1f %zu\n", (cpu_ms() - start) / iterations, output_size);
    return 0;
}
