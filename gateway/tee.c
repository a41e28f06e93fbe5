/* tee: tee outputs exposed as ghost pads on the tee's bin. */
#define G_LOG_DOMAIN "ecc-gw-tee"

#include "tee.h"

GstPad *ecc_tee_request(GstElement *tee)
{
	GstPad *req = gst_element_request_pad_simple(tee, "src_%u");
	GstObject *parent = gst_object_get_parent(GST_OBJECT(tee));
	GstPad *ghost;

	if (!req)
		return NULL;
	if (!parent || GST_IS_PIPELINE(parent)) {
		if (parent)
			gst_object_unref(parent);
		return req;
	}
	ghost = gst_ghost_pad_new(NULL, req);
	gst_object_unref(req);
	gst_pad_set_active(ghost, TRUE);
	gst_element_add_pad(GST_ELEMENT(parent), ghost);
	gst_object_unref(parent);
	return gst_object_ref(ghost);
}

GstPad *ecc_tee_link(GstElement *tee, GstPad *sinkpad)
{
	GstPad *out = ecc_tee_request(tee);
	GstPadLinkReturn rc;

	if (!out)
		return NULL;
	rc = gst_pad_link(out, sinkpad);
	if (rc != GST_PAD_LINK_OK) {
		g_warning("cannot link %s:%s to %s:%s (%s)", GST_DEBUG_PAD_NAME(out),
		          GST_DEBUG_PAD_NAME(sinkpad), gst_pad_link_get_name(rc));
		ecc_tee_release(out);
		gst_object_unref(out);
		return NULL;
	}
	return out;
}

void ecc_tee_release(GstPad *out)
{
	GstPad *req = GST_IS_GHOST_PAD(out) ? gst_ghost_pad_get_target(GST_GHOST_PAD(out))
	                                    : gst_object_ref(out);
	GstElement *tee = req ? gst_pad_get_parent_element(req) : NULL;

	if (GST_IS_GHOST_PAD(out)) {
		GstElement *bin = gst_pad_get_parent_element(out);
		if (bin) {
			gst_pad_set_active(out, FALSE);
			gst_element_remove_pad(bin, out);
			gst_object_unref(bin);
		}
	}
	if (tee) {
		gst_element_release_request_pad(tee, req);
		gst_object_unref(tee);
	}
	if (req)
		gst_object_unref(req);
}
