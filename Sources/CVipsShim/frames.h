// Frame by frame work on animations, shared by the shim's source files (not part of its API).
//
// libvips keeps an animation's frames stacked in one tall image ("toilet roll", with the
// page-height metadata); operations that move pixels across rows must see one frame at a time.

#ifndef IMGEDGE_FRAMES_H
#define IMGEDGE_FRAMES_H

#include <vips/vips.h>

/// An operation on one frame; `argument` carries its parameters. Follows the header's
/// ownership rules: `*out` carries one reference.
typedef int (*imgedge_frame_operation)(VipsImage *frame, VipsImage **out, const void *argument);

/// Applies `operation` to every frame of `in` and stacks the results again (they must all come
/// out the same size).
int imgedge_map_frames(VipsImage *in, imgedge_frame_operation operation, const void *argument,
                       VipsImage **out);

#endif
