/* png_ink FILE.png: prints "WIDTH HEIGHT INKED COLOURS" for a PNG: how many pixels are not
 * white and how many distinct colours it has (up to 64), so that a test can tell a rendered
 * plot from a blank or a one-colour image. Reads the PNG with cairo. Exit 1 if unreadable. */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  cairo_surface_t* s = cairo_image_surface_create_from_png(argv[1]);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    fprintf(stderr, "png_ink: %s: %s\n", argv[1], cairo_status_to_string(cairo_surface_status(s)));
    return 1;
  }
  cairo_surface_flush(s);
  int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  uint32_t colours[64];
  int ncolours = 0;
  long inked = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint32_t px = *(const uint32_t*)(data + y * stride + 4 * x) & 0xffffff;
      if (px != 0xffffff) ++inked;
      int known = 0;
      for (int i = 0; i < ncolours && !known; ++i) known = colours[i] == px;
      if (!known && ncolours < 64) colours[ncolours++] = px;
    }
  printf("%d %d %ld %d\n", w, h, inked, ncolours);
  cairo_surface_destroy(s);
  return 0;
}
