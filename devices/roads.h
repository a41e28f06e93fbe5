/*
 * roads: a synthetic town road network around a centre, and routes on it.
 *
 * Why: simulated officers and vehicles must move along streets, not jump
 * about, so the wallboard shows what real units look like. The network is a
 * slightly irregular street grid (250-400 m blocks, a few missing links)
 * inside ~2.3 km of the centre, two arterial avenues through the centre, a
 * diagonal arterial, and a ring road at ~2.7 km joined to the grid by eight
 * spokes; everything lies within 3 km of the centre. The same centre and
 * seed always give the same town.
 *
 * Coordinates are local metres (x east, y north) from the centre;
 * ecc_roads_to_latlon converts (equirectangular, WGS-84 degree lengths at the
 * centre's latitude: good to centimetres over a few km).
 *
 * Thread: any; a network is immutable after ecc_roads_new, so several
 * movers may share one. Ownership: ecc_roads_new returns a network the
 * caller frees with ecc_roads_free (NULL accepted); it must outlive every
 * mover that uses it. ecc_roads_geojson returns a string to g_free.
 * Errors: see each function.
 */
#ifndef ECC_ROADS_H
#define ECC_ROADS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct ecc_roads ecc_roads;

enum ecc_road_class {
	ECC_ROAD_STREET = 0, /* town street, ~30 km/h */
	ECC_ROAD_ARTERIAL,   /* avenue, spoke, diagonal, ~45 km/h */
	ECC_ROAD_RING,       /* ring road, ~55 km/h */
};

/* Never NULL (aborts on out-of-memory, as GLib does). */
ecc_roads *ecc_roads_new(double lat0, double lon0, uint64_t seed);
void ecc_roads_free(ecc_roads *r);

guint ecc_roads_node_count(const ecc_roads *r);
/* Position of node i (i < node count) in local metres. */
void ecc_roads_node_xy(const ecc_roads *r, guint i, double *x, double *y);
/* Number of roads leaving node i, and the k-th neighbour. */
guint ecc_roads_degree(const ecc_roads *r, guint i);
guint ecc_roads_neighbour(const ecc_roads *r, guint i, guint k);
/* Class of the road between a and b, or -1 when they are not adjacent. */
int ecc_roads_edge_class(const ecc_roads *r, guint a, guint b);
/* Nominal speed of a class of road, m/s (what a vehicle drives at). */
double ecc_road_class_speed(enum ecc_road_class c);
/* The node nearest to (x, y). */
guint ecc_roads_nearest(const ecc_roads *r, double x, double y);

/*
 * Route from node a to node b (Dijkstra): the shortest by length, or with
 * fastest, the quickest at nominal speeds. Replaces the contents of path
 * (a GArray of guint) with the nodes from a to b inclusive ([a] when a == b).
 * Returns ECC_OK, ECC_ERR_INVAL (a node out of range), ECC_ERR_NOTFOUND (no
 * route; never happens, the network is connected).
 */
int ecc_roads_route(const ecc_roads *r, guint a, guint b, bool fastest, GArray *path);

/* Local metres <-> degrees. */
void ecc_roads_to_latlon(const ecc_roads *r, double x, double y, double *lat, double *lon);
void ecc_roads_from_latlon(const ecc_roads *r, double lat, double lon, double *x, double *y);

/* True when every node can reach every other. */
bool ecc_roads_connected(const ecc_roads *r);

/* The network as a GeoJSON FeatureCollection of LineStrings (one per road,
 * property "class"), for drawing it on a map. g_free the result. */
char *ecc_roads_geojson(const ecc_roads *r);

#endif
