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

/*
 * Keeps a plugin's own assertion from aborting the gateway when criticals
 * are made fatal (G_DEBUG=fatal-criticals, as in the tests).
 *
 * Why: some plugins check network input with g_return_if_fail (rtmp2src's
 * chunk parser does on garbage from a "camera"); that is the plugin refusing
 * bad bytes, not a fault in the gateway, and the stream's own start and stall
 * timers recover from it. Such criticals carry no log domain; every ECC
 * module, GLib and GStreamer core log under a domain, so their criticals stay
 * fatal, except two that plugins make GStreamer core and GLib print (an
 * unset seqnum given to gst_event_set_seqnum, which ignores it; rtpbin's
 * RTCP thread walking a table another thread changes, which GLib cuts
 * short: elements.c). The tolerated ones are still printed.
 * Thread: main, once, before any stream starts.
 */
void ecc_elements_tolerate_plugin_criticals(void);

/*
 * Loads the text overlays' fonts (pango, fontconfig) and the decoders a
 * room's mix uses, on a thread of their own, once, at start.
 *
 * Why: the first textoverlay or clockoverlay in a process reads the font
 * configuration and list; in the main loop that held every stream's
 * orders, signalling and health for seconds (tens of seconds in the tests'
 * sanitizer build) the first time a room's recording started. Warmed
 * here, later overlays are built in milliseconds. ecc_elements_warm_join
 * waits for it (at exit). Thread: main.
 */
void ecc_elements_warm(void);
void ecc_elements_warm_join(void);

#endif
