/* camera_picture: the burned-in timestamp strip, name and clock. */
#define G_LOG_DOMAIN "ecc-camera-picture"

#include "camera_picture.h"
#include "timecode.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define FONT        "Noto Sans CJK SC Bold"
#define CLOCK_CHARS "0123456789-:. +"
#define BEIJING_S   (8 * 3600)

/* A bitmap (ARGB32, premultiplied), immutable once made. */
struct bitmap {
	unsigned char *data;
	int width, height, stride;
};

struct ecc_camera_picture {
	gatomicrefcount refs;
	int width, height;
	struct ecc_timecode_geometry strip;
	bool has_strip;
	enum ecc_picture_clock clock;
	int64_t loop_ms;
	struct bitmap title;
	struct bitmap glyph[sizeof(CLOCK_CHARS) - 1];
	int advance[sizeof(CLOCK_CHARS) - 1]; /* px; digits share the widest's */
	int text_x, title_y, clock_y, line_h;
};

/* One overlay's surfaces over the picture's bitmaps: cairo and pixman objects
 * are not shared between streaming threads, only the read-only pixels. */
struct overlay {
	ecc_camera_picture *p;
	cairo_surface_t *title;
	cairo_surface_t *glyph[sizeof(CLOCK_CHARS) - 1];
};

/* ---- making the bitmaps (main thread) ------------------------------------ */

/* text in white with a black outline, cropped to its logical extents. */
static void render_text(struct bitmap *out, const char *text, const PangoFontDescription *font,
                        int outline, bool warn_missing)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cairo_t *cr = cairo_create(s);
	PangoLayout *layout = pango_cairo_create_layout(cr);
	PangoRectangle ink, logical;

	pango_layout_set_font_description(layout, font);
	pango_layout_set_text(layout, text, -1);
	if (warn_missing && pango_layout_get_unknown_glyphs_count(layout) > 0)
		g_warning("no glyphs for \"%s\": install fonts-noto-cjk", text);
	pango_layout_get_pixel_extents(layout, &ink, &logical);
	cairo_destroy(cr);
	cairo_surface_destroy(s);

	out->width = MAX(1, logical.width + 2 * outline);
	out->height = MAX(1, logical.height + 2 * outline);
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, out->width, out->height);
	cr = cairo_create(s);
	cairo_move_to(cr, outline - logical.x, outline - logical.y);
	pango_cairo_update_layout(cr, layout);
	pango_cairo_layout_path(cr, layout);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 2.0 * outline);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_stroke_preserve(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill(cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	out->stride = cairo_image_surface_get_stride(s);
	out->data = g_memdup2(cairo_image_surface_get_data(s), (gsize)out->stride * out->height);
	cairo_surface_destroy(s);
	g_object_unref(layout);
}

ecc_camera_picture *ecc_camera_picture_new(const char *title, int width, int height,
                                           enum ecc_picture_clock clock, int64_t loop_ms)
{
	ecc_camera_picture *p = g_new0(ecc_camera_picture, 1);
	PangoFontDescription *font = pango_font_description_from_string(FONT);
	int px = MAX(10, height / 18), outline = MAX(1, px / 12), cell, digit = 0;

	g_atomic_ref_count_init(&p->refs);
	p->width = width;
	p->height = height;
	p->clock = clock;
	p->loop_ms = loop_ms > 0 ? loop_ms : 1;
	p->has_strip = ecc_timecode_geometry(width, height, &p->strip);
	cell = p->has_strip ? p->strip.cell : 0;
	pango_font_description_set_absolute_size(font, px * PANGO_SCALE);
	render_text(&p->title, title && *title ? title : " ", font, outline, true);
	for (size_t i = 0; i < G_N_ELEMENTS(p->glyph); i++) {
		char c[2] = {CLOCK_CHARS[i], 0};

		render_text(&p->glyph[i], c, font, outline, false);
		p->advance[i] = p->glyph[i].width - 2 * outline;
		if (g_ascii_isdigit(c[0]))
			digit = MAX(digit, p->advance[i]);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(p->glyph); i++)
		if (g_ascii_isdigit(CLOCK_CHARS[i]))
			p->advance[i] = digit;
	pango_font_description_free(font);
	p->line_h = p->glyph[0].height;
	p->text_x = MAX(cell / 2, 4);
	p->title_y = cell / 2 + 2 * cell + cell / 2;
	p->clock_y = p->title_y + MAX(p->title.height, p->line_h);
	return p;
}

ecc_camera_picture *ecc_camera_picture_ref(ecc_camera_picture *p)
{
	g_atomic_ref_count_inc(&p->refs);
	return p;
}

void ecc_camera_picture_unref(ecc_camera_picture *p)
{
	if (!p || !g_atomic_ref_count_dec(&p->refs))
		return;
	g_free(p->title.data);
	for (size_t i = 0; i < G_N_ELEMENTS(p->glyph); i++)
		g_free(p->glyph[i].data);
	g_free(p);
}

/* ---- drawing (streaming threads) ----------------------------------------- */

static cairo_surface_t *wrap(const struct bitmap *b)
{
	return cairo_image_surface_create_for_data(b->data, CAIRO_FORMAT_ARGB32, b->width,
	                                           b->height, b->stride);
}

static void overlay_free(gpointer data)
{
	struct overlay *o = data;

	cairo_surface_destroy(o->title);
	for (size_t i = 0; i < G_N_ELEMENTS(o->glyph); i++)
		cairo_surface_destroy(o->glyph[i]);
	ecc_camera_picture_unref(o->p);
	g_free(o);
}

/* The frame's capture time in UTC ms (WALL) or its clip time (LOOP). */
static int64_t frame_ms(const ecc_camera_picture *p, GstElement *overlay, guint64 pts)
{
	GstClock *clock;
	int64_t ms;

	if (p->clock == ECC_PICTURE_LOOP)
		return GST_CLOCK_TIME_IS_VALID(pts) ? (int64_t)(pts / GST_MSECOND) % p->loop_ms : 0;
	clock = gst_element_get_clock(overlay);
	if (!clock || !GST_CLOCK_TIME_IS_VALID(pts)) {
		ms = g_get_real_time() / 1000;
	} else {
		GstClockTime now = gst_clock_get_time(clock);
		int64_t real_ns = g_get_real_time() * 1000;
		int64_t age_ns = (int64_t)now - (int64_t)(gst_element_get_base_time(overlay) + pts);

		ms = (real_ns - age_ns) / 1000000;
	}
	if (clock)
		gst_object_unref(clock);
	return ms;
}

static void paint(cairo_t *cr, cairo_surface_t *s, int x, int y)
{
	cairo_set_source_surface(cr, s, x, y);
	cairo_rectangle(cr, x, y, cairo_image_surface_get_width(s),
	                cairo_image_surface_get_height(s));
	cairo_fill(cr);
}

static void draw_strip(cairo_t *cr, const struct ecc_timecode_geometry *g, int64_t ms)
{
	bool white[ECC_TIMECODE_CELLS];

	ecc_timecode_cells(ms, white);
	/* black cells and a quarter-cell black margin around the strip */
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_rectangle(cr, g->x0 - g->cell / 4, g->y0 - g->cell / 4,
	                ECC_TIMECODE_COLS * g->cell + g->cell / 2,
	                ECC_TIMECODE_ROWS * g->cell + g->cell / 2);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	for (int i = 0; i < ECC_TIMECODE_CELLS; i++) {
		int x, y;

		if (!white[i])
			continue;
		ecc_timecode_cell_xy(g, i, &x, &y);
		cairo_rectangle(cr, x, y, g->cell, g->cell);
	}
	cairo_fill(cr);
}

static void clock_text(const ecc_camera_picture *p, int64_t ms, char *buf, size_t len)
{
	time_t t;
	struct tm tm;

	if (p->clock == ECC_PICTURE_LOOP) {
		snprintf(buf, len, "+%02d.%03d", (int)(ms / 1000) % 100, (int)(ms % 1000));
		return;
	}
	t = (time_t)(ms / 1000) + BEIJING_S;
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%03d +08", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static void on_draw(GstElement *overlay, cairo_t *cr, guint64 pts, guint64 duration, gpointer data)
{
	struct overlay *o = data;
	const ecc_camera_picture *p = o->p;
	int64_t ms = frame_ms(p, overlay, pts);
	char text[48];
	int x = p->text_x, width = 0;

	(void)duration;
	if (p->has_strip)
		draw_strip(cr, &p->strip, ms);
	paint(cr, o->title, p->text_x, p->title_y);
	clock_text(p, ms, text, sizeof(text));
	for (const char *c = text; *c; c++)
		width += p->advance[strchr(CLOCK_CHARS, *c) - CLOCK_CHARS];
	cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
	cairo_rectangle(cr, x, p->clock_y, width + p->line_h / 4.0, p->line_h);
	cairo_fill(cr);
	for (const char *c = text; *c; c++) {
		size_t i = (size_t)(strchr(CLOCK_CHARS, *c) - CLOCK_CHARS);

		if (*c != ' ')
			paint(cr, o->glyph[i], x, p->clock_y);
		x += p->advance[i];
	}
}

void ecc_camera_picture_attach(ecc_camera_picture *p, GstElement *overlay)
{
	struct overlay *o = g_new0(struct overlay, 1);

	o->p = ecc_camera_picture_ref(p);
	o->title = wrap(&p->title);
	for (size_t i = 0; i < G_N_ELEMENTS(o->glyph); i++)
		o->glyph[i] = wrap(&p->glyph[i]);
	/* freed with the overlay, after its signal handlers are gone */
	g_object_set_data_full(G_OBJECT(overlay), "ecc-picture", o, overlay_free);
	g_signal_connect(overlay, "draw", G_CALLBACK(on_draw), o);
}

void ecc_camera_picture_cleanup(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}
