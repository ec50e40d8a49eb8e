// Encode cost and size of one format at one setting, for choosing imgedge's defaults.
//
// Usage: encoder_cost REFERENCE FORMAT QUALITY EFFORT ITERATIONS OUTPUT
// Decodes REFERENCE into memory once, encodes it ITERATIONS times as FORMAT (jpeg, webp,
// avif, jxl) with the same options imgedge's shim uses, writes the last result to OUTPUT and
// prints the CPU milliseconds per encode and the bytes.

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

static int encode(VipsImage *in, const char *format, int q, int effort, void **out, size_t *length) {
    if (strcmp(format, "jpeg") == 0)
        return vips_jpegsave_buffer(in, out, length, "Q", q, "optimize_coding", TRUE, "strip", TRUE, NULL);
    if (strcmp(format, "webp") == 0)
        return vips_webpsave_buffer(in, out, length, "Q", q, "effort", effort, "strip", TRUE, NULL);
    if (strcmp(format, "avif") == 0)
        return vips_heifsave_buffer(in, out, length, "Q", q, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                                    "effort", effort, "bitdepth", 8, "strip", TRUE, NULL);
    if (strcmp(format, "jxl") == 0)
        return vips_jxlsave_buffer(in, out, length, "Q", q, "effort", effort, "strip", TRUE, NULL);
    vips_error("encoder_cost", "unknown format %s", format);
    return -1;
}

int main(int argc, char **argv) {
    if (argc != 7 || VIPS_INIT(argv[0])) {
        fprintf(stderr, "usage: %s REFERENCE jpeg|webp|avif|jxl QUALITY EFFORT ITERATIONS OUTPUT\n", argv[0]);
        return 2;
    }
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    VipsImage *file = vips_image_new_from_file(argv[1], NULL);
    VipsImage *reference = file ? vips_image_copy_memory(file) : NULL;
    if (reference == NULL) vips_error_exit(NULL);
    int iterations = atoi(argv[5]);
    void *output = NULL;
    size_t length = 0;
    double start = cpu_ms();
    for (int i = 0; i < iterations; i++) {
        g_free(output);
        if (encode(reference, argv[2], atoi(argv[3]), atoi(argv[4]), &output, &length)) vips_error_exit(NULL);
    }
    double per_encode = (cpu_ms() - start) / iterations;
    if (!g_file_set_contents(argv[6], output, length, NULL)) return 1;
    printf("%.1f %zu\n", per_encode, length);
    return 0;
}
