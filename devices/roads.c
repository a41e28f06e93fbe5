/* roads: a synthetic town road network and Dijkstra routes on it. */
#define G_LOG_DOMAIN "ecc-roads"

#include "roads.h"
#include "rng.h"
#include "ecc_err.h"

#include <math.h>

#define MAX_DEG       8
#define GRID_HALF     2300.0 /* the grid spans +-GRID_HALF metres */
#define TOWN_RADIUS   2350.0 /* grid nodes farther than this are dropped */
#define BLOCK_MIN     250.0
#define BLOCK_MAX     400.0
#define RING_RADIUS   2700.0
#define RING_NODES    24
#define SPOKES        8
#define DROP_PERCENT  8 /* share of streets left out, if the town stays connected */
#define STREET_JITTER 6.0

struct node {
	double x, y;
	guint deg;
	guint adj[MAX_DEG];
	guint8 cls[MAX_DEG];
};

struct ecc_roads {
	double lat0, lon0;
	double m_per_lat, m_per_lon;
	GArray *nodes; /* struct node */
};

#define NODE(r, i) (&g_array_index((r)->nodes, struct node, (i)))

/* ---- building ------------------------------------------------------------ */

static guint add_node(ecc_roads *r, double x, double y)
{
	struct node n = {.x = x, .y = y};

	g_array_append_val(r->nodes, n);
	return r->nodes->len - 1;
}

static bool add_edge(ecc_roads *r, guint a, guint b, enum ecc_road_class c)
{
	struct node *na = NODE(r, a), *nb = NODE(r, b);

	if (a == b || ecc_roads_edge_class(r, a, b) >= 0 || na->deg == MAX_DEG ||
	    nb->deg == MAX_DEG)
		return false;
	na->adj[na->deg] = b;
	na->cls[na->deg++] = (guint8)c;
	nb->adj[nb->deg] = a;
	nb->cls[nb->deg++] = (guint8)c;
	return true;
}

static void unlink_one(struct node *n, guint other)
{
	for (guint k = 0; k < n->deg; k++) {
		if (n->adj[k] == other) {
			n->deg--;
			n->adj[k] = n->adj[n->deg];
			n->cls[k] = n->cls[n->deg];
			return;
		}
	}
}

static void remove_edge(ecc_roads *r, guint a, guint b)
{
	unlink_one(NODE(r, a), b);
	unlink_one(NODE(r, b), a);
}

/* Street lines from 0 outwards, BLOCK_MIN..BLOCK_MAX apart; *zero gets the
 * index of the line through the centre. */
static GArray *grid_lines(struct ecc_rng *rng, guint *zero)
{
	GArray *neg = g_array_new(FALSE, FALSE, sizeof(double));
	GArray *out = g_array_new(FALSE, FALSE, sizeof(double));
	double v;

	for (v = -ecc_rng_range(rng, BLOCK_MIN, BLOCK_MAX); v >= -GRID_HALF;
	     v -= ecc_rng_range(rng, BLOCK_MIN, BLOCK_MAX))
		g_array_append_val(neg, v);
	for (guint i = neg->len; i-- > 0;)
		g_array_append_val(out, g_array_index(neg, double, i));
	*zero = out->len;
	for (v = 0; v <= GRID_HALF; v += ecc_rng_range(rng, BLOCK_MIN, BLOCK_MAX))
		g_array_append_val(out, v);
	g_array_free(neg, TRUE);
	return out;
}

static void build_grid(ecc_roads *r, struct ecc_rng *rng, GArray *xs, GArray *ys, guint x0,
                       guint y0, int *id)
{
	guint nx = xs->len, ny = ys->len;

	for (guint i = 0; i < nx; i++) {
		for (guint j = 0; j < ny; j++) {
			double x =
			    g_array_index(xs, double, i) + STREET_JITTER * ecc_rng_gauss(rng);
			double y =
			    g_array_index(ys, double, j) + STREET_JITTER * ecc_rng_gauss(rng);

			id[i * ny + j] = hypot(x, y) <= TOWN_RADIUS ? (int)add_node(r, x, y) : -1;
		}
	}
	for (guint i = 0; i < nx; i++) {
		for (guint j = 0; j < ny; j++) {
			int a = id[i * ny + j];

			if (a < 0)
				continue;
			/* north: the avenue x = 0 is arterial; east: the avenue y = 0 */
			if (j + 1 < ny && id[i * ny + j + 1] >= 0)
				add_edge(r, (guint)a, (guint)id[i * ny + j + 1],
				         i == x0 ? ECC_ROAD_ARTERIAL : ECC_ROAD_STREET);
			if (i + 1 < nx && id[(i + 1) * ny + j] >= 0)
				add_edge(r, (guint)a, (guint)id[(i + 1) * ny + j],
				         j == y0 ? ECC_ROAD_ARTERIAL : ECC_ROAD_STREET);
		}
	}
	/* the old diagonal road, south-west to north-east, off the centre */
	int off = (int)ecc_rng_below(rng, 3) + 1;
	for (guint i = 0; i + 1 < nx; i++) {
		int j = (int)i - (int)x0 + (int)y0 - off;

		if (j < 0 || j + 1 >= (int)ny)
			continue;
		int a = id[i * ny + (guint)j], b = id[(i + 1) * ny + (guint)j + 1];
		if (a >= 0 && b >= 0)
			add_edge(r, (guint)a, (guint)b, ECC_ROAD_ARTERIAL);
	}
}

static void drop_some_streets(ecc_roads *r, struct ecc_rng *rng)
{
	guint n = r->nodes->len;

	for (guint a = 0; a < n; a++) {
		for (guint k = 0; k < NODE(r, a)->deg; k++) {
			guint b = NODE(r, a)->adj[k];

			if (b < a || NODE(r, a)->cls[k] != ECC_ROAD_STREET ||
			    ecc_rng_below(rng, 100) >= DROP_PERCENT)
				continue;
			if (NODE(r, a)->deg <= 2 || NODE(r, b)->deg <= 2)
				continue; /* no dead ends */
			remove_edge(r, a, b);
			if (!ecc_roads_connected(r))
				add_edge(r, a, b, ECC_ROAD_STREET);
			else
				k--; /* the slot now holds another neighbour */
		}
	}
}

static void build_ring(ecc_roads *r, struct ecc_rng *rng, guint grid_nodes)
{
	guint first = r->nodes->len;

	for (guint k = 0; k < RING_NODES; k++) {
		double a = 2 * M_PI * k / RING_NODES + ecc_rng_range(rng, -0.04, 0.04);
		double rad = RING_RADIUS + 30 * ecc_rng_gauss(rng);

		add_node(r, rad * sin(a), rad * cos(a));
	}
	for (guint k = 0; k < RING_NODES; k++)
		add_edge(r, first + k, first + (k + 1) % RING_NODES, ECC_ROAD_RING);
	for (guint s = 0; s < SPOKES; s++) {
		guint k = first + s * (RING_NODES / SPOKES);
		guint best = 0;
		double bd = INFINITY;

		for (guint i = 0; i < grid_nodes; i++) {
			double d =
			    hypot(NODE(r, i)->x - NODE(r, k)->x, NODE(r, i)->y - NODE(r, k)->y);
			if (d < bd && NODE(r, i)->deg < MAX_DEG) {
				bd = d;
				best = i;
			}
		}
		add_edge(r, k, best, ECC_ROAD_ARTERIAL);
	}
}

ecc_roads *ecc_roads_new(double lat0, double lon0, uint64_t seed)
{
	ecc_roads *r = g_new0(ecc_roads, 1);
	struct ecc_rng rng;
	double phi = lat0 * M_PI / 180.0;
	guint x0, y0;
	GArray *xs, *ys;
	int *id;

	r->lat0 = lat0;
	r->lon0 = lon0;
	r->m_per_lat =
	    111132.92 - 559.82 * cos(2 * phi) + 1.175 * cos(4 * phi) - 0.0023 * cos(6 * phi);
	r->m_per_lon = 111412.84 * cos(phi) - 93.5 * cos(3 * phi) + 0.118 * cos(5 * phi);
	r->nodes = g_array_new(FALSE, FALSE, sizeof(struct node));
	ecc_rng_seed(&rng, ecc_rng_derive(seed, 0x70ad5));
	xs = grid_lines(&rng, &x0);
	ys = grid_lines(&rng, &y0);
	id = g_new(int, xs->len * ys->len);
	build_grid(r, &rng, xs, ys, x0, y0, id);
	drop_some_streets(r, &rng);
	build_ring(r, &rng, r->nodes->len);
	g_debug("town of %u nodes (%u x %u grid + ring), seed %llu", r->nodes->len, xs->len,
	        ys->len, (unsigned long long)seed);
	g_free(id);
	g_array_free(xs, TRUE);
	g_array_free(ys, TRUE);
	return r;
}

void ecc_roads_free(ecc_roads *r)
{
	if (!r)
		return;
	g_array_free(r->nodes, TRUE);
	g_free(r);
}

/* ---- queries ------------------------------------------------------------- */

guint ecc_roads_node_count(const ecc_roads *r)
{
	return r->nodes->len;
}

void ecc_roads_node_xy(const ecc_roads *r, guint i, double *x, double *y)
{
	*x = NODE(r, i)->x;
	*y = NODE(r, i)->y;
}

guint ecc_roads_degree(const ecc_roads *r, guint i)
{
	return NODE(r, i)->deg;
}

guint ecc_roads_neighbour(const ecc_roads *r, guint i, guint k)
{
	return NODE(r, i)->adj[k];
}

int ecc_roads_edge_class(const ecc_roads *r, guint a, guint b)
{
	const struct node *n = NODE(r, a);

	for (guint k = 0; k < n->deg; k++)
		if (n->adj[k] == b)
			return n->cls[k];
	return -1;
}

double ecc_road_class_speed(enum ecc_road_class c)
{
	switch (c) {
	case ECC_ROAD_RING:
		return 15.0;
	case ECC_ROAD_ARTERIAL:
		return 12.5;
	case ECC_ROAD_STREET:
	default:
		return 9.0;
	}
}

guint ecc_roads_nearest(const ecc_roads *r, double x, double y)
{
	guint best = 0;
	double bd = INFINITY;

	for (guint i = 0; i < r->nodes->len; i++) {
		double d = hypot(NODE(r, i)->x - x, NODE(r, i)->y - y);
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

bool ecc_roads_connected(const ecc_roads *r)
{
	guint n = r->nodes->len, seen = 1, head = 0, tail = 0;
	guint *queue;
	bool *mark;

	if (n == 0)
		return true;
	queue = g_new(guint, n);
	mark = g_new0(bool, n);
	queue[tail++] = 0;
	mark[0] = true;
	while (head < tail) {
		const struct node *a = NODE(r, queue[head++]);
		for (guint k = 0; k < a->deg; k++) {
			if (!mark[a->adj[k]]) {
				mark[a->adj[k]] = true;
				queue[tail++] = a->adj[k];
				seen++;
			}
		}
	}
	g_free(queue);
	g_free(mark);
	return seen == n;
}

/* ---- routes -------------------------------------------------------------- */

int ecc_roads_route(const ecc_roads *r, guint a, guint b, bool fastest, GArray *path)
{
	guint n = r->nodes->len;
	double *dist;
	guint *prev;
	bool *done;
	int rc = ECC_ERR_NOTFOUND;

	if (a >= n || b >= n || !path)
		return ECC_ERR_INVAL;
	g_array_set_size(path, 0);
	dist = g_new(double, n);
	prev = g_new(guint, n);
	done = g_new0(bool, n);
	for (guint i = 0; i < n; i++) {
		dist[i] = INFINITY;
		prev[i] = G_MAXUINT;
	}
	dist[a] = 0;
	/* O(n^2) without a heap: the town has ~250 nodes. */
	for (;;) {
		guint u = G_MAXUINT;
		double best = INFINITY;

		for (guint i = 0; i < n; i++) {
			if (!done[i] && dist[i] < best) {
				best = dist[i];
				u = i;
			}
		}
		if (u == G_MAXUINT)
			break;
		if (u == b) {
			rc = ECC_OK;
			break;
		}
		done[u] = true;
		const struct node *nu = NODE(r, u);
		for (guint k = 0; k < nu->deg; k++) {
			guint v = nu->adj[k];
			double w = hypot(NODE(r, v)->x - nu->x, NODE(r, v)->y - nu->y);

			if (fastest)
				w /= ecc_road_class_speed(nu->cls[k]);
			if (dist[u] + w < dist[v]) {
				dist[v] = dist[u] + w;
				prev[v] = u;
			}
		}
	}
	if (rc == ECC_OK) {
		for (guint v = b; v != G_MAXUINT; v = prev[v])
			g_array_prepend_val(path, v);
	}
	g_free(dist);
	g_free(prev);
	g_free(done);
	return rc;
}

/* ---- coordinates and export ---------------------------------------------- */

void ecc_roads_to_latlon(const ecc_roads *r, double x, double y, double *lat, double *lon)
{
	*lat = r->lat0 + y / r->m_per_lat;
	*lon = r->lon0 + x / r->m_per_lon;
}

void ecc_roads_from_latlon(const ecc_roads *r, double lat, double lon, double *x, double *y)
{
	*x = (lon - r->lon0) * r->m_per_lon;
	*y = (lat - r->lat0) * r->m_per_lat;
}

char *ecc_roads_geojson(const ecc_roads *r)
{
	static const char *const names[] = {"street", "arterial", "ring"};
	GString *s = g_string_new("{\"type\":\"FeatureCollection\",\"features\":[");
	bool first = true;

	for (guint a = 0; a < r->nodes->len; a++) {
		const struct node *na = NODE(r, a);
		for (guint k = 0; k < na->deg; k++) {
			double lat1, lon1, lat2, lon2;

			if (na->adj[k] < a)
				continue;
			ecc_roads_to_latlon(r, na->x, na->y, &lat1, &lon1);
			ecc_roads_to_latlon(r, NODE(r, na->adj[k])->x, NODE(r, na->adj[k])->y,
			                    &lat2, &lon2);
			g_string_append_printf(
			    s,
			    "%s{\"type\":\"Feature\",\"properties\":{\"class\":\"%s\"},"
			    "\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
			    "[[%.7f,%.7f],[%.7f,%.7f]]}}",
			    first ? "" : ",", names[na->cls[k]], lon1, lat1, lon2, lat2);
			first = false;
		}
	}
	g_string_append(s, "]}");
	return g_string_free(s, FALSE);
}
