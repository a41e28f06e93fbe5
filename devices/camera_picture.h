/*
 * camera_picture: what a simulated camera burns into every frame: the
 * timestamp strip (timecode.h), the unit's name (Chinese, Noto Sans CJK) and
 * the capture time with milliseconds in Beijing time (UTC+08:00, no DST), all
 * drawn by a cairooverlay.
 *
 * Why: a viewer (a person on the wallboard, or a test reading the strip)
 * must tell which camera it is looking at and when the picture was taken.
 * Text is laid out by pango once, when the picture is made, into bitmaps (the
 * name and each character of the clock); a frame only paints rectangles and
 * those bitmaps, so 12 cameras cost little and pango never runs on a
 * streaming thread.
 *
 * Capture time: ECC_PICTURE_WALL maps the frame's presentation timestamp to
 * the wall clock (real time now minus how long ago, on the pipeline clock,
 * base time + PTS was), so the strip says when the live source produced the
 * frame; ECC_PICTURE_LOOP (the bench cameras' pre-encoded clip) shows the
 * PTS in milliseconds modulo loop_ms, which the replay aligns with the wall
 * clock.
 *
 * Thread: ecc_camera_picture_new on the main thread (pango); attach and
 * drawing on any thread. Ownership: refcounted; _new returns one reference,
 * ecc_camera_picture_attach takes its own (released when the overlay is
 * finalized), ecc_camera_picture_unref accepts NULL.
 */
#ifndef ECC_CAMERA_PICTURE_H
#define ECC_CAMERA_PICTURE_H

#include <gst/gst.h>
#include <stdint.h>

typedef struct ecc_camera_picture ecc_camera_picture;

enum ecc_picture_clock { ECC_PICTURE_WALL = 0, ECC_PICTURE_LOOP };

/* A picture for width x height frames titled title (UTF-8). Never NULL. */
ecc_camera_picture *ecc_camera_picture_new(const char *title, int width, int height,
                                           enum ecc_picture_clock clock, int64_t loop_ms);

ecc_camera_picture *ecc_camera_picture_ref(ecc_camera_picture *p);
void ecc_camera_picture_unref(ecc_camera_picture *p);

/* Draws p on every frame that passes through overlay (a cairooverlay). */
void ecc_camera_picture_attach(ecc_camera_picture *p, GstElement *overlay);

/* At exit, after the last picture and pipeline are gone: frees the fonts
 * and caches pango, fontconfig and cairo keep for the process. */
void ecc_camera_picture_cleanup(void);

#endif
