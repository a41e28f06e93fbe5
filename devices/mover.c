/* mover: walking, driving and flying along the synthetic town. */
#define G_LOG_DOMAIN "ecc-mover"

#include "mover.h"
#include "rng.h"
#include "ecc_err.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define SUBSTEP      0.25 /* s: integration step */
#define ACCEL        1.8  /* m/s^2, vehicles and drones speeding up */
#define DECEL        1.5  /* m/s^2, planned braking */
#define BRAKE        3.0  /* m/s^2, most a vehicle brakes in one step */
#define TURN_SPEED   3.5  /* m/s, through a right-angle turn */
#define STOP_EPS     2.5  /* m: close enough to a stop line to stop */
#define NOISE_TAU    40.0 /* s: correlation time of the GPS error */
#define DRONE_RADIUS 2400.0
#define CLIMB        2.0 /* m/s */

struct ecc_mover {
	const ecc_roads *roads;
	enum ecc_unit_kind kind;
	struct ecc_rng rng;
	double x, y, alt; /* true position; alt above sea level */
	double speed;     /* m/s */
	double heading;   /* degrees, direction of travel */
	double pause;     /* s left standing (or hovering) still */
	/* ground units */
	GArray *path;    /* guint nodes of the current leg */
	guint seg;       /* between path[seg] and path[seg + 1] */
	double along;    /* metres along that segment */
	double cruise;   /* walking pace, or the driver's share of the speed limit */
	bool stop_ahead; /* a vehicle stops at path[seg + 1] (red light) */
	/* drones */
	double tx, ty, talt;
	/* GPS error (metres east, north, up) and its standard deviation */
	double ne, nn, nu, sd;
	double battery, drain; /* percent, percent per hour */
	bool low_sent, low_pending;
	double signal;
};

static const char *const kind_names[] = {"bodycam", "handheld", "vehicle", "drone"};

int ecc_unit_kind_parse(const char *s, enum ecc_unit_kind *out)
{
	for (guint i = 0; s && i < G_N_ELEMENTS(kind_names); i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum ecc_unit_kind)i;
			return ECC_OK;
		}
	}
	return ECC_ERR_INVAL;
}

const char *ecc_unit_kind_name(enum ecc_unit_kind k)
{
	return (guint)k < G_N_ELEMENTS(kind_names) ? kind_names[k] : "unknown";
}

static bool walks(const ecc_mover *m)
{
	return m->kind == ECC_UNIT_BODYCAM || m->kind == ECC_UNIT_HANDHELD;
}

/* Gentle hills: Nancha lies in a valley of the Lesser Khingan. */
static double ground_alt(double x, double y)
{
	return ECC_MOVER_GROUND_ALT + 12.0 * sin(x / 900.0) * cos(y / 1100.0) + 0.004 * y;
}

static double bearing(double dx, double dy)
{
	double h = atan2(dx, dy) * 180.0 / M_PI;

	return h < 0 ? h + 360.0 : h;
}

static void node_xy(const ecc_mover *m, guint k, double *x, double *y)
{
	ecc_roads_node_xy(m->roads, g_array_index(m->path, guint, k), x, y);
}

static double seg_len(const ecc_mover *m, guint k)
{
	double ax, ay, bx, by;

	node_xy(m, k, &ax, &ay);
	node_xy(m, k + 1, &bx, &by);
	return hypot(bx - ax, by - ay);
}

/* ---- ground units -------------------------------------------------------- */

static void plan_leg(ecc_mover *m)
{
	guint n = ecc_roads_node_count(m->roads);
	guint from = m->path->len ? g_array_index(m->path, guint, m->path->len - 1)
	                          : ecc_roads_nearest(m->roads, m->x, m->y);
	guint to = from;
	double fx, fy;

	ecc_roads_node_xy(m->roads, from, &fx, &fy);
	for (int tries = 0; tries < 40; tries++) {
		double tx, ty, d;

		to = ecc_rng_below(&m->rng, n);
		ecc_roads_node_xy(m->roads, to, &tx, &ty);
		d = hypot(tx - fx, ty - fy);
		/* officers patrol near where they are; vehicles cross town */
		if (walks(m) ? (d > 250 && d < 1200) : d > 800)
			break;
	}
	ecc_roads_route(m->roads, from, to, !walks(m), m->path);
	m->seg = 0;
	m->along = 0;
	m->stop_ahead = false;
	if (walks(m))
		m->cruise = ecc_rng_range(&m->rng, 1.0, 1.6);
}

/* Speed a vehicle may have when it reaches path[seg + 1]. */
static double speed_at_node(const ecc_mover *m, double limit)
{
	double ax, ay, bx, by, cx, cy, turn;

	if (m->seg + 2 >= m->path->len || m->stop_ahead)
		return 0;
	node_xy(m, m->seg, &ax, &ay);
	node_xy(m, m->seg + 1, &bx, &by);
	node_xy(m, m->seg + 2, &cx, &cy);
	turn = fabs(bearing(cx - bx, cy - by) - bearing(bx - ax, by - ay));
	if (turn > 180)
		turn = 360 - turn;
	if (turn < 20)
		return limit;
	return MAX(TURN_SPEED, limit * (1.0 - turn / 110.0));
}

static void vehicle_speed(ecc_mover *m, double len, double h)
{
	guint a = g_array_index(m->path, guint, m->seg);
	guint b = g_array_index(m->path, guint, m->seg + 1);
	int cls = ecc_roads_edge_class(m->roads, a, b);
	double limit = ecc_road_class_speed(cls < 0 ? ECC_ROAD_STREET : cls) * m->cruise;
	double v_end = speed_at_node(m, limit);
	double left = len - m->along;
	double target = MIN(limit, sqrt(v_end * v_end + 2 * DECEL * MAX(0.0, left - STOP_EPS)));

	if (v_end == 0 && left <= STOP_EPS) {
		m->along = len; /* at the stop line */
		return;
	}
	target = MAX(target, 1.0);
	if (m->speed < target)
		m->speed = MIN(target, m->speed + ACCEL * h);
	else
		m->speed = MAX(target, m->speed - BRAKE * h);
}

/* At path[seg + 1]: arrived, or waiting at a light, or on to the next road. */
static bool reach_node(ecc_mover *m)
{
	m->seg++;
	if (m->seg + 1 >= m->path->len) {
		m->pause =
		    walks(m) ? ecc_rng_range(&m->rng, 10, 60) : ecc_rng_range(&m->rng, 20, 90);
		m->speed = 0;
		return false;
	}
	if (m->stop_ahead) {
		m->pause = ecc_rng_range(&m->rng, 5, 30);
		m->speed = 0;
	}
	m->stop_ahead =
	    !walks(m) &&
	    ecc_roads_degree(m->roads, g_array_index(m->path, guint, m->seg + 1)) >= 3 &&
	    ecc_rng_unit(&m->rng) < 0.12;
	return m->pause <= 0;
}

static void ground_step(ecc_mover *m, double h)
{
	double len, ax, ay, bx, by;

	if (m->pause > 0) {
		m->pause -= h;
		m->speed = 0;
		if (m->pause <= 0 && m->seg + 1 >= m->path->len)
			plan_leg(m);
		return;
	}
	if (m->path->len < 2) {
		plan_leg(m);
		if (m->path->len < 2)
			m->pause = 5;
		return;
	}
	len = seg_len(m, m->seg);
	if (walks(m))
		m->speed = m->cruise;
	else
		vehicle_speed(m, len, h);
	m->along += m->speed * h;
	while (m->along >= len) {
		m->along -= len;
		if (!reach_node(m)) {
			m->along = 0;
			break;
		}
		len = seg_len(m, m->seg);
	}
	if (m->seg + 1 >= m->path->len) {
		node_xy(m, m->path->len - 1, &m->x, &m->y);
		return;
	}
	node_xy(m, m->seg, &ax, &ay);
	node_xy(m, m->seg + 1, &bx, &by);
	len = hypot(bx - ax, by - ay);
	m->x = ax + (bx - ax) * (len > 0 ? m->along / len : 0);
	m->y = ay + (by - ay) * (len > 0 ? m->along / len : 0);
	if (len > 0)
		m->heading = bearing(bx - ax, by - ay);
	m->alt = ground_alt(m->x, m->y) + 1.5;
}

/* ---- drones -------------------------------------------------------------- */

static void drone_target(ecc_mover *m)
{
	double r = DRONE_RADIUS * sqrt(ecc_rng_unit(&m->rng));
	double a = ecc_rng_range(&m->rng, 0, 2 * M_PI);

	m->tx = r * sin(a);
	m->ty = r * cos(a);
	m->talt = ground_alt(m->tx, m->ty) + ecc_rng_range(&m->rng, 40, 120);
	m->cruise = ecc_rng_range(&m->rng, 8, 12);
}

static void drone_step(ecc_mover *m, double h)
{
	double dx = m->tx - m->x, dy = m->ty - m->y, d = hypot(dx, dy), step, dz;

	dz = m->talt - m->alt;
	m->alt += CLAMP(dz, -CLIMB * h, CLIMB * h);
	if (m->pause > 0) {
		m->pause -= h;
		m->speed = MAX(0.0, m->speed - BRAKE * h);
		return;
	}
	if (d < 1.0) {
		m->speed = 0;
		m->pause = ecc_rng_range(&m->rng, 10, 40);
		drone_target(m);
		return;
	}
	double target = MIN(m->cruise, sqrt(2 * DECEL * d));
	if (m->speed < target)
		m->speed = MIN(target, m->speed + ACCEL * h);
	else
		m->speed = MAX(target, m->speed - BRAKE * h);
	step = MIN(MAX(m->speed, 0.2) * h, d);
	m->x += dx / d * step;
	m->y += dy / d * step;
	m->heading = bearing(dx, dy);
}

/* ---- battery, radio, GPS error ------------------------------------------- */

static void wear(ecc_mover *m, double h)
{
	double phi = exp(-h / NOISE_TAU), k = m->sd * sqrt(1 - phi * phi);
	double mean = (m->kind == ECC_UNIT_DRONE     ? 95
	               : m->kind == ECC_UNIT_VEHICLE ? 88
	                                             : 82) -
	              25.0 * hypot(m->x, m->y) / 3000.0;

	m->ne = phi * m->ne + k * ecc_rng_gauss(&m->rng);
	m->nn = phi * m->nn + k * ecc_rng_gauss(&m->rng);
	m->nu = phi * m->nu + 1.5 * k * ecc_rng_gauss(&m->rng);
	m->signal += (mean - m->signal) * 0.05 * h + 2.5 * sqrt(h) * ecc_rng_gauss(&m->rng);
	m->signal = CLAMP(m->signal, 40, 100);
	m->battery -= m->drain * h / 3600.0;
	if (m->battery < ECC_MOVER_BATTERY_LOW && !m->low_sent) {
		m->low_sent = true;
		m->low_pending = true;
	}
	if (m->kind == ECC_UNIT_DRONE && m->battery < 10) {
		m->battery = 100; /* landed, swapped, back up: not worth simulating */
		m->low_sent = false;
	}
	m->battery = MAX(m->battery, 1.0);
}

/* ---- public -------------------------------------------------------------- */

ecc_mover *ecc_mover_new(const ecc_roads *roads, enum ecc_unit_kind kind, uint64_t seed)
{
	static const double drain[] = {10.0, 6.0, 1.0, 45.0}; /* % per hour */
	static const double sd[] = {2.5, 2.5, 1.5, 1.0};      /* GPS error, m */
	ecc_mover *m = g_new0(ecc_mover, 1);
	guint n = ecc_roads_node_count(roads);

	m->roads = roads;
	m->kind = kind;
	ecc_rng_seed(&m->rng, seed);
	m->path = g_array_new(FALSE, FALSE, sizeof(guint));
	m->drain = drain[kind] * ecc_rng_range(&m->rng, 0.8, 1.2);
	m->sd = sd[kind];
	/* one unit in five starts low, so a demo sees battery_low early on */
	m->battery = ecc_rng_unit(&m->rng) < 0.2 ? ecc_rng_range(&m->rng, 15.5, 18)
	                                         : ecc_rng_range(&m->rng, 40, 100);
	m->signal = ecc_rng_range(&m->rng, 60, 95);
	m->heading = ecc_rng_range(&m->rng, 0, 360);
	if (kind == ECC_UNIT_DRONE) {
		drone_target(m);
		m->x = m->tx;
		m->y = m->ty;
		m->alt = m->talt;
		drone_target(m);
	} else {
		guint start = ecc_rng_below(&m->rng, n);

		ecc_roads_node_xy(roads, start, &m->x, &m->y);
		m->alt = ground_alt(m->x, m->y) + 1.5;
		g_array_append_val(m->path, start);
		/* a driver's share of the speed limit; walkers draw a pace per leg */
		m->cruise = ecc_rng_range(&m->rng, 0.9, 1.0);
		plan_leg(m);
	}
	m->pause = ecc_rng_range(&m->rng, 0, 15); /* not all at once */
	return m;
}

void ecc_mover_free(ecc_mover *m)
{
	if (!m)
		return;
	g_array_free(m->path, TRUE);
	g_free(m);
}

void ecc_mover_step(ecc_mover *m, double dt)
{
	if (!(dt > 0))
		return;
	dt = MIN(dt, 600.0);
	while (dt > 0) {
		double h = MIN(dt, SUBSTEP);

		if (m->kind == ECC_UNIT_DRONE)
			drone_step(m, h);
		else
			ground_step(m, h);
		wear(m, h);
		dt -= h;
	}
}

void ecc_mover_position(const ecc_mover *m, int64_t ts, struct ecc_position *out)
{
	ecc_position_init(out);
	out->ts = ts;
	ecc_roads_to_latlon(m->roads, m->x + m->ne, m->y + m->nn, &out->lat, &out->lon);
	out->alt = m->alt + m->nu;
	out->speed = m->speed;
	out->heading = m->heading;
	out->acc = 2.0 * m->sd * (1.0 + (100.0 - m->signal) / 200.0);
	out->battery = (int)floor(m->battery); /* 14.9 reads 14, as the warning says */
	out->signal = (int)lround(m->signal);
}

void ecc_mover_true_xy(const ecc_mover *m, double *x, double *y)
{
	*x = m->x;
	*y = m->y;
}

double ecc_mover_speed(const ecc_mover *m)
{
	return m->speed;
}

bool ecc_mover_take_battery_low(ecc_mover *m)
{
	bool was = m->low_pending;

	m->low_pending = false;
	return was;
}
