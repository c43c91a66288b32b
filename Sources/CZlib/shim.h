#ifndef O365KIT_CZLIB_SHIM_H
#define O365KIT_CZLIB_SHIM_H

#include <zlib.h>

/* deflateInit2/inflateInit2 are macros passing ZLIB_VERSION and the stream size; Swift
   cannot call macros, so these wrappers do. */
static inline int o365kit_deflate_init_raw(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

static inline int o365kit_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 16 + 15);
}

#endif
