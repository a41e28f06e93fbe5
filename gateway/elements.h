/*
 * elements: the GStreamer elements the gateway needs, and the Debian
 * package each comes from.
 *
 * Why: a missing plugin otherwise shows up as a pipeline that fails to
 * build at the first stream; at start the gateway names what to install.
 * Thread: main, after gst_init. Returns the number of missing elements (each
 * printed with its package on stderr).
 */
#ifndef ECC_ELEMENTS_H
#define ECC_ELEMENTS_H

int ecc_elements_check(void);

#endif
