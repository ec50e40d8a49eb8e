// The geometry steps around the resize: turning, cutting, trimming, padding and the resize of
// an image already decoded. Every one works frame by frame; the ownership rules are at the
// top of the header.

#include "imgedge_vips.h"
#include "frames.h"

#include <math.h>

typedef struct {
    VipsAngle angle;
    int flip;
} orient_argument;

static int orient_frame(VipsImage *frame, VipsImage **out, const void *argument) {
    const orient_argument *orient = argument;
    VipsObject *scope = VIPS_OBJECT(vips_image_new());
    VipsImage **steps = (VipsImage **)vips_object_local_array(scope, 3);
    VipsImage *current = frame;
    if (orient->angle != VIPS_ANGLE_D0) {
        if (vips_rot(current, &steps[0], orient->angle, NULL) != 0) {
            g_object_unref(scope);
            return -1;
        }
        current = steps[0];
    }
    const VipsDirection directions[2] = {VIPS_DIRECTION_HORIZONTAL, VIPS_DIRECTION_VERTICAL};
    for (int axis = 0; axis < 2; axis++) {
        if (orient->flip & (1 << axis)) {
            if (vips_flip(current, &steps[1 + axis], directions[axis], NULL) != 0) {
                g_object_unref(scope);
                return -1;
            }
            current = steps[1 + axis];
        }
    }
    g_object_ref(current);
    *out = current;
    g_object_unref(scope);
    return 0;
}

int imgedge_vips_orient(VipsImage *in, VipsAngle angle, int flip, VipsImage **out) {
    orient_argument argument = {angle, flip};
    return imgedge_map_frames(in, orient_frame, &argument, out);
}

typedef struct {
    int left;
    int top;
    int width;
    int height;
} rectangle_argument;

static int extract_frame(VipsImage *frame, VipsImage **out, const void *argument) {
    const rectangle_argument *area = argument;
    return vips_extract_area(frame, out, area->left, area->top, area->width, area->height, NULL);
}

int imgedge_vips_extract(VipsImage *in, int left, int top, int width, int height, VipsImage **out) {
    rectangle_argument argument = {left, top, width, height};
    return imgedge_map_frames(in, extract_frame, &argument, out);
}

/// The longest side a frame is searched for its border at: find_trim's median filter costs
/// about a quarter of a second per 5 million pixels, so a larger frame is searched on a copy
/// shrunk to this, the box found is scaled back, and then each of its edges is searched again
/// at full size within a band of a few pixels (`refine_edges`).
#define TRIM_SEARCH_SIDE 1024

/// The content box, left, top, width and height, of the `width` x `height` area at `left`,
/// `top` of `frame`; width 0 when the area is all background or smaller than 3 x 3.
static int find_trim_in(VipsImage *frame, int left, int top, int width, int height, double threshold,
                        VipsArrayDouble *background, int found[4]) {
    found[0] = found[1] = found[2] = found[3] = 0;
    if (width < 3 || height < 3) {
        return 0;
    }
    VipsImage *area = NULL;
    if (vips_extract_area(frame, &area, left, top, width, height, NULL) != 0) {
        return -1;
    }
    int status = vips_find_trim(area, &found[0], &found[1], &found[2], &found[3], "threshold", threshold,
                                "background", background, NULL);
    g_object_unref(area);
    found[0] += left;
    found[1] += top;
    return status;
}

/// Moves each edge of `edges` (left, top, right, bottom, the last two exclusive: a box found on
/// a shrunk copy and scaled back) to where the content of the full-size `frame` starts, by
/// searching only the band within `reach` pixels of that edge, along the box widened by
/// `reach`. The band is searched as find_trim searches a whole frame (median filter included),
/// so the box is the one a full-size search would find, at the cost of a few thin strips. An
/// edge whose band holds no content keeps its place.
static int refine_edges(VipsImage *frame, double threshold, VipsArrayDouble *background, int reach, int edges[4]) {
    int width = vips_image_get_width(frame);
    int height = vips_image_get_height(frame);
    int x0 = MAX(0, edges[0] - reach), x1 = MIN(width, edges[2] + reach);
    int y0 = MAX(0, edges[1] - reach), y1 = MIN(height, edges[3] + reach);
    int refined[4] = {edges[0], edges[1], edges[2], edges[3]};
    int found[4];
    for (int edge = 0; edge < 4; edge++) {
        int vertical = edge % 2 == 0;  // left and right are columns, top and bottom rows
        int extent = vertical ? width : height;
        int from = MAX(0, edges[edge] - reach), to = MIN(extent, edges[edge] + reach);
        int status = vertical ? find_trim_in(frame, from, y0, to - from, y1 - y0, threshold, background, found)
                              : find_trim_in(frame, x0, from, x1 - x0, to - from, threshold, background, found);
        if (status != 0) {
            return -1;
        }
        if (found[2] == 0 || found[3] == 0) {
            continue;
        }
        switch (edge) {
            case 0: refined[0] = found[0]; break;
            case 1: refined[1] = found[1]; break;
            case 2: refined[2] = found[0] + found[2]; break;
            default: refined[3] = found[1] + found[3]; break;
        }
    }
    if (refined[0] < refined[2] && refined[1] < refined[3]) {
        for (int edge = 0; edge < 4; edge++) {
            edges[edge] = refined[edge];
        }
    }
    return 0;
}

/// The content box of one frame against `background`, or width 0 when it is all background.
static int trim_frame(VipsImage *frame, double threshold, VipsArrayDouble *background, int box[4]) {
    int width = vips_image_get_width(frame);
    int height = vips_image_get_height(frame);
    int longest = MAX(width, height);
    if (longest <= TRIM_SEARCH_SIDE) {
        return vips_find_trim(frame, &box[0], &box[1], &box[2], &box[3], "threshold", threshold,
                              "background", background, NULL);
    }
    double scale = (double)TRIM_SEARCH_SIDE / longest;
    VipsImage *small = NULL;
    if (vips_resize(frame, &small, scale, NULL) != 0) {
        return -1;
    }
    int found[4];
    int status = vips_find_trim(small, &found[0], &found[1], &found[2], &found[3], "threshold", threshold,
                                "background", background, NULL);
    g_object_unref(small);
    if (status != 0) {
        return -1;
    }
    if (found[2] == 0 || found[3] == 0) {
        box[0] = box[1] = box[2] = box[3] = 0;
        return 0;
    }
    int edges[4] = {
        MAX(0, (int)floor((found[0] - 1) / scale)),
        MAX(0, (int)floor((found[1] - 1) / scale)),
        MIN(width, (int)ceil((found[0] + found[2] + 1) / scale)),
        MIN(height, (int)ceil((found[1] + found[3] + 1) / scale)),
    };
    // The shrunk copy's edge may be off by the resize kernel's reach and the median's pixel
    // there, and was widened by a pixel: a few of its pixels either way cover the true edge.
    int reach = (int)ceil(4 / scale) + 2;
    if (refine_edges(frame, threshold, background, reach, edges) != 0) {
        return -1;
    }
    box[0] = edges[0];
    box[1] = edges[1];
    box[2] = edges[2] - edges[0];
    box[3] = edges[3] - edges[1];
    return 0;
}

int imgedge_vips_find_trim(VipsImage *in, double threshold, int *left, int *top, int *width, int *height) {
    int frame_width = vips_image_get_width(in);
    int frame_height = vips_image_get_page_height(in);
    *left = 0;
    *top = 0;
    *width = frame_width;
    *height = frame_height;
    if (frame_width < 3 || frame_height < 3) {
        return 0;  // find_trim needs 3x3 pixels; there is no border to speak of
    }
    VipsObject *scope = VIPS_OBJECT(vips_image_new());
    VipsImage **steps = (VipsImage **)vips_object_local_array(scope, 1);
    double *corner = NULL;
    int bands = 0;
    // The background is the top-left pixel as it looks on white, which is also what find_trim
    // flattens any alpha onto.
    const double white[3] = {255, 255, 255};
    if (imgedge_vips_flatten(in, white, &steps[0]) != 0 ||
        vips_getpoint(steps[0], &corner, &bands, 0, 0, NULL) != 0) {
        g_object_unref(scope);
        return -1;
    }
    VipsArrayDouble *background = vips_array_double_new(corner, bands);
    g_free(corner);
    int pages = imgedge_vips_page_count(in);
    int found = 0;
    int right = 0, bottom = 0;
    for (int page = 0; page < pages; page++) {
        VipsImage *frame = NULL;
        int box[4];
        if (vips_extract_area(in, &frame, 0, page * frame_height, frame_width, frame_height, NULL) != 0) {
            vips_area_unref(VIPS_AREA(background));
            g_object_unref(scope);
            return -1;
        }
        int status = trim_frame(frame, threshold, background, box);
        g_object_unref(frame);
        if (status != 0) {
            vips_area_unref(VIPS_AREA(background));
            g_object_unref(scope);
            return -1;
        }
        if (box[2] == 0 || box[3] == 0) {
            continue;
        }
        if (!found) {
            *left = box[0];
            *top = box[1];
            right = box[0] + box[2];
            bottom = box[1] + box[3];
            found = 1;
        } else {
            *left = MIN(*left, box[0]);
            *top = MIN(*top, box[1]);
            right = MAX(right, box[0] + box[2]);
            bottom = MAX(bottom, box[1] + box[3]);
        }
    }
    vips_area_unref(VIPS_AREA(background));
    g_object_unref(scope);
    if (found) {
        *width = right - *left;
        *height = bottom - *top;
    } else {
        *left = 0;
        *top = 0;
    }
    return 0;
}

typedef struct {
    const int *edges;
    const double *rgba;
} pad_argument;

static int pad_frame(VipsImage *frame, VipsImage **out, const void *argument) {
    const pad_argument *pad = argument;
    int width = vips_image_get_width(frame) + pad->edges[1] + pad->edges[3];
    int height = vips_image_get_height(frame) + pad->edges[0] + pad->edges[2];
    VipsArrayDouble *background = vips_array_double_new(pad->rgba, vips_image_get_bands(frame));
    int status = vips_embed(frame, out, pad->edges[3], pad->edges[0], width, height,
                            "extend", VIPS_EXTEND_BACKGROUND, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return status;
}

int imgedge_vips_pad(VipsImage *in, const int edges[4], const double rgba[4], VipsImage **out) {
    VipsImage *source = in;
    VipsImage *with_alpha = NULL;
    if (rgba[3] < 255 && !vips_image_hasalpha(in)) {
        if (vips_bandjoin_const1(in, &with_alpha, 255, NULL) != 0) {
            return -1;
        }
        source = with_alpha;
    }
    pad_argument argument = {edges, rgba};
    int status = imgedge_map_frames(source, pad_frame, &argument, out);
    if (with_alpha != NULL) {
        g_object_unref(with_alpha);
    }
    return status;
}

static int thumbnail_frame(VipsImage *frame, VipsImage **out, const void *argument) {
    const imgedge_vips_thumbnail_options *options = argument;
    return vips_thumbnail_image(frame, out, options->width, "height", options->height,
                                "size", options->size, "crop", options->crop, NULL);
}

int imgedge_vips_thumbnail_image(VipsImage *in, const imgedge_vips_thumbnail_options *options,
                                 VipsImage **out) {
    return imgedge_map_frames(in, thumbnail_frame, options, out);
}
