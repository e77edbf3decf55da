#include <zlib.h>

/* inflateInit2 is a macro; Swift cannot call it. windowBits 15+32 auto-detects
   zlib or gzip headers. */
static inline int jutsu_inflate_init_gzip(z_streamp strm) {
    return inflateInit2(strm, 15 + 32);
}
