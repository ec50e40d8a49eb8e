// Frame by frame work on animations; see frames.h.

#include "frames.h"
#include "imgedge_vips.h"

int imgedge_map_frames(VipsImage *in, imgedge_frame_operation operation, const void *argument,
                       VipsImage **out) {
    int pages = imgedge_vips_page_count(in);
    if (pages == 1) {
        return operation(in, out, argument);
    }
    int page_height = vips_image_get_page_height(in);
    VipsObject *scope = VIPS_OBJECT(vips_image_new());
    VipsImage **frames = (VipsImage **)vips_object_local_array(scope, pages);
    VipsImage **results = (VipsImage **)vips_object_local_array(scope, pages);
    VipsImage **joined = (VipsImage **)vips_object_local_array(scope, 1);
    for (int page = 0; page < pages; page++) {
        if (vips_extract_area(in, &frames[page], 0, page * page_height,
                              vips_image_get_width(in), page_height, NULL) != 0 ||
            operation(frames[page], &results[page], argument) != 0) {
            g_object_unref(scope);
            return -1;
        }
    }
    if (vips_arrayjoin(results, &joined[0], pages, "across", 1, NULL) != 0 ||
        vips_copy(joined[0], out, NULL) != 0) {
        g_object_unref(scope);
        return -1;
    }
    vips_image_set_int(*out, VIPS_META_PAGE_HEIGHT, vips_image_get_height(results[0]));
    g_object_unref(scope);
    return 0;
}
