/* Specifications of the simulator's town (roads), its units' movements
 * (mover) and the NMEA sentences its vehicle GPS sends (nmea). */
#include "mover.h"
#include "nmea.h"
#include "roads.h"
#include "ecc_err.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define LAT0 47.138
#define LON0 129.286

/* Distance from (x, y) to the nearest road of the town. */
static double off_road(const ecc_roads *r, double x, double y)
{
	double best = INFINITY;

	for (guint a = 0; a < ecc_roads_node_count(r); a++) {
		for (guint k = 0; k < ecc_roads_degree(r, a); k++) {
			double ax, ay, bx, by, t, l2;

			ecc_roads_node_xy(r, a, &ax, &ay);
			ecc_roads_node_xy(r, ecc_roads_neighbour(r, a, k), &bx, &by);
			l2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
			t = l2 > 0 ? CLAMP(((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / l2, 0, 1)
			           : 0;
			best = MIN(best, hypot(ax + t * (bx - ax) - x, ay + t * (by - ay) - y));
		}
	}
	return best;
}

static double route_length(const ecc_roads *r, GArray *path)
{
	double len = 0;

	for (guint i = 0; i + 1 < path->len; i++) {
		double ax, ay, bx, by;

		ecc_roads_node_xy(r, g_array_index(path, guint, i), &ax, &ay);
		ecc_roads_node_xy(r, g_array_index(path, guint, i + 1), &bx, &by);
		len += hypot(bx - ax, by - ay);
	}
	return len;
}

/* ---- roads --------------------------------------------------------------- */

static void test_town_connected_within_3km(void)
{
	for (uint64_t seed = 0; seed < 20; seed++) {
		ecc_roads *r = ecc_roads_new(LAT0, LON0, seed);

		g_assert_cmpuint(ecc_roads_node_count(r), >, 100);
		g_assert_true(ecc_roads_connected(r));
		for (guint i = 0; i < ecc_roads_node_count(r); i++) {
			double x, y;

			ecc_roads_node_xy(r, i, &x, &y);
			g_assert_cmpfloat(hypot(x, y), <=, 3000.0);
			g_assert_cmpuint(ecc_roads_degree(r, i), >=, 2); /* no dead ends */
		}
		ecc_roads_free(r);
	}
}

static void test_streets_a_block_apart(void)
{
	ecc_roads *r = ecc_roads_new(LAT0, LON0, 7);
	guint streets = 0;

	for (guint a = 0; a < ecc_roads_node_count(r); a++) {
		for (guint k = 0; k < ecc_roads_degree(r, a); k++) {
			guint b = ecc_roads_neighbour(r, a, k);
			double ax, ay, bx, by;

			ecc_roads_node_xy(r, a, &ax, &ay);
			ecc_roads_node_xy(r, b, &bx, &by);
			g_assert_cmpint(ecc_roads_edge_class(r, b, a), ==,
			                ecc_roads_edge_class(r, a, b));
			if (ecc_roads_edge_class(r, a, b) == ECC_ROAD_STREET) {
				g_assert_cmpfloat(hypot(bx - ax, by - ay), >, 200);
				g_assert_cmpfloat(hypot(bx - ax, by - ay), <, 450);
				streets++;
			}
		}
	}
	g_assert_cmpuint(streets, >, 200);
	ecc_roads_free(r);
}

static void test_same_seed_same_town(void)
{
	ecc_roads *a = ecc_roads_new(LAT0, LON0, 42), *b = ecc_roads_new(LAT0, LON0, 42);
	ecc_roads *c = ecc_roads_new(LAT0, LON0, 43);
	char *ja = ecc_roads_geojson(a), *jb = ecc_roads_geojson(b), *jc = ecc_roads_geojson(c);

	g_assert_cmpstr(ja, ==, jb);
	g_assert_cmpstr(ja, !=, jc);
	g_free(ja);
	g_free(jb);
	g_free(jc);
	ecc_roads_free(a);
	ecc_roads_free(b);
	ecc_roads_free(c);
}

static void test_route_over_adjacent_crossings(void)
{
	ecc_roads *r = ecc_roads_new(LAT0, LON0, 3);
	GArray *shortest = g_array_new(FALSE, FALSE, sizeof(guint));
	GArray *fastest = g_array_new(FALSE, FALSE, sizeof(guint));
	guint n = ecc_roads_node_count(r);

	for (guint a = 0; a < n; a += 7) {
		guint b = (a * 31 + 5) % n;
		double ax, ay, bx, by;

		g_assert_cmpint(ecc_roads_route(r, a, b, false, shortest), ==, ECC_OK);
		g_assert_cmpint(ecc_roads_route(r, a, b, true, fastest), ==, ECC_OK);
		g_assert_cmpuint(g_array_index(shortest, guint, 0), ==, a);
		g_assert_cmpuint(g_array_index(shortest, guint, shortest->len - 1), ==, b);
		for (guint i = 0; i + 1 < shortest->len; i++)
			g_assert_cmpint(ecc_roads_edge_class(r, g_array_index(shortest, guint, i),
			                                     g_array_index(shortest, guint, i + 1)),
			                >=, 0);
		/* the shortest is no longer than the fastest, nor than a detour */
		ecc_roads_node_xy(r, a, &ax, &ay);
		ecc_roads_node_xy(r, b, &bx, &by);
		g_assert_cmpfloat(route_length(r, shortest), <=, route_length(r, fastest) + 1e-6);
		g_assert_cmpfloat(route_length(r, shortest), >=, hypot(bx - ax, by - ay) - 1e-6);
		g_assert_cmpfloat(route_length(r, shortest), <,
		                  2.0 * hypot(bx - ax, by - ay) + 800);
	}
	g_assert_cmpint(ecc_roads_route(r, 4, 4, false, shortest), ==, ECC_OK);
	g_assert_cmpuint(shortest->len, ==, 1);
	g_assert_cmpint(ecc_roads_route(r, 0, n, false, shortest), ==, ECC_ERR_INVAL);
	g_array_free(shortest, TRUE);
	g_array_free(fastest, TRUE);
	ecc_roads_free(r);
}

static void test_latlon_round_trip(void)
{
	ecc_roads *r = ecc_roads_new(LAT0, LON0, 1);
	double lat, lon, x, y;

	ecc_roads_to_latlon(r, 0, 1000, &lat, &lon);
	g_assert_cmpfloat(fabs(lat - LAT0 - 1000 / 111180.0), <, 2e-5); /* ~111.2 km a degree */
	g_assert_cmpfloat(fabs(lon - LON0), <, 1e-12);
	ecc_roads_to_latlon(r, 1234.5, -2345.6, &lat, &lon);
	ecc_roads_from_latlon(r, lat, lon, &x, &y);
	g_assert_cmpfloat(fabs(x - 1234.5), <, 1e-6);
	g_assert_cmpfloat(fabs(y + 2345.6), <, 1e-6);
	ecc_roads_free(r);
}

/* ---- mover --------------------------------------------------------------- */

struct track {
	double max_speed, max_step, max_off_road, max_alt, min_alt;
	guint moving;
};

static struct track follow(const ecc_roads *r, enum ecc_unit_kind kind, uint64_t seed, int secs)
{
	ecc_mover *m = ecc_mover_new(r, kind, seed);
	struct track t = {.min_alt = INFINITY};
	double px, py, x, y;

	ecc_mover_true_xy(m, &px, &py);
	for (int i = 0; i < secs; i++) {
		struct ecc_position p;

		ecc_mover_step(m, 1.0);
		ecc_mover_true_xy(m, &x, &y);
		ecc_mover_position(m, 1709296496000, &p);
		t.max_speed = MAX(t.max_speed, p.speed);
		t.max_step = MAX(t.max_step, hypot(x - px, y - py));
		t.max_alt = MAX(t.max_alt, p.alt);
		t.min_alt = MIN(t.min_alt, p.alt);
		if (kind != ECC_UNIT_DRONE && i % 10 == 0)
			t.max_off_road = MAX(t.max_off_road, off_road(r, x, y));
		t.moving += p.speed > 0.5;
		g_assert_true(ecc_position_valid(&p));
		g_assert_cmpint(p.signal, >=, 40);
		g_assert_cmpint(p.signal, <=, 100);
		g_assert_cmpfloat(p.heading, >=, 0);
		g_assert_cmpfloat(p.heading, <, 360);
		px = x;
		py = y;
	}
	ecc_mover_free(m);
	return t;
}

static void test_officers_walk_along_streets(void)
{
	ecc_roads *r = ecc_roads_new(LAT0, LON0, 1);

	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct track t =
		    follow(r, seed % 2 ? ECC_UNIT_BODYCAM : ECC_UNIT_HANDHELD, seed, 1800);

		g_assert_cmpfloat(t.max_off_road, <, 0.01);
		g_assert_cmpfloat(t.max_speed, <=, 1.6);
		g_assert_cmpfloat(t.max_step, <=, 1.6 + 1e-6);
		g_assert_cmpuint(t.moving, >, 600); /* walks more than it stands */
	}
	ecc_roads_free(r);
}

static void test_vehicles_drive_8_to_15(void)
{
	ecc_roads *r = ecc_roads_new(LAT0, LON0, 1);

	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct track t = follow(r, ECC_UNIT_VEHICLE, seed, 1800);

		g_assert_cmpfloat(t.max_off_road, <, 0.01);
		g_assert_cmpfloat(t.max_speed, >=, 8.0);
		g_assert_cmpfloat(t.max_speed, <=, 15.0);
		g_assert_cmpfloat(t.max_step, <=, 15.0 + 1e-6);
	}
	ecc_roads_free(r);
}

static void test_vehicles_slow_for_turns(void)
{
	ecc_roads *r = ecc_roads_new(LAT0, LON0, 1);
	ecc_mover *m = ecc_mover_new(r, ECC_UNIT_VEHICLE, 11);
	double recent[12] = {0}, heading = -1;
	guint turns = 0;

	/* four samples a second; a turn is the heading swinging by 60 degrees
	 * or more between two of them, and the car was slow just before */
	for (int i = 0; i < 4 * 3600; i++) {
		struct ecc_position p;
		double slowest = INFINITY, swing;

		ecc_mover_step(m, 0.25);
		ecc_mover_position(m, 1709296496000, &p);
		memmove(recent, recent + 1, sizeof(recent) - sizeof(recent[0]));
		recent[11] = p.speed;
		swing = fabs(p.heading - heading);
		swing = swing > 180 ? 360 - swing : swing;
		if (heading >= 0 && swing >= 60 && p.speed > 0) {
			for (int k = 0; k < 12; k++)
				slowest = MIN(slowest, recent[k]);
			g_assert_cmpfloat(slowest, <=, 6.0);
			turns++;
		}
		heading = p.heading;
	}
	g_assert_cmpuint(turns, >, 10);
	ecc_mover_free(m);
	ecc_roads_free(r);
}

static void test_drones_fly_40_to_120_up(void)
{
	ecc_roads *r = ecc_roads_new(LAT0, LON0, 1);

	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct track t = follow(r, ECC_UNIT_DRONE, seed, 1800);

		g_assert_cmpfloat(t.max_speed, >=, 8.0);
		g_assert_cmpfloat(t.max_speed, <=, 12.0);
		g_assert_cmpfloat(t.min_alt, >, ECC_MOVER_GROUND_ALT + 40 - 25); /* hills, noise */
		g_assert_cmpfloat(t.max_alt, <, ECC_MOVER_GROUND_ALT + 120 + 25);
	}
	ecc_roads_free(r);
}

static void test_battery_warning_once(void)
{
	ecc_roads *r = ecc_roads_new(LAT0, LON0, 1);
	guint warned = 0;

	for (uint64_t seed = 0; seed < 40; seed++) {
		ecc_mover *m = ecc_mover_new(r, ECC_UNIT_BODYCAM, seed);
		struct ecc_position p;
		guint n = 0;

		for (int i = 0; i < 3 * 3600 / 60; i++) {
			ecc_mover_step(m, 60);
			n += ecc_mover_take_battery_low(m);
		}
		ecc_mover_position(m, 1709296496000, &p);
		g_assert_cmpuint(n, <=, 1);
		g_assert_cmpint(n == 1, ==, p.battery < ECC_MOVER_BATTERY_LOW);
		warned += n;
		ecc_mover_free(m);
	}
	g_assert_cmpuint(warned, >, 0);
	ecc_roads_free(r);
}

/* ---- nmea ---------------------------------------------------------------- */

static void assert_checksum(const char *line, size_t len)
{
	const char *star = memchr(line, '*', len);
	char want[3];

	g_assert_nonnull(star);
	g_assert_cmpint(line[0], ==, '$');
	g_snprintf(want, sizeof(want), "%02X",
	           ecc_nmea_checksum(line + 1, (size_t)(star - line - 1)));
	g_assert_cmpmem(star + 1, 2, want, 2);
	g_assert_cmpmem(star + 3, 2, "\r\n", 2);
}

static void test_nmea_checksum_of_textbook_gga(void)
{
	const char *s = "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,";

	g_assert_cmphex(ecc_nmea_checksum(s, strlen(s)), ==, 0x47);
}

static void test_nmea_rmc_fields(void)
{
	struct ecc_position p;
	char buf[ECC_NMEA_MAX];

	ecc_position_init(&p);
	p.ts = 1709296496780; /* 2024-03-01 12:34:56.78 UTC */
	p.lat = LAT0;
	p.lon = LON0;
	p.speed = 10.0;
	p.heading = 90.0;
	g_assert_cmpint(ecc_nmea_rmc(buf, sizeof(buf), &p), >, 0);
	g_assert_cmpstr(
	    buf, ==, "$GPRMC,123456.78,A,4708.28000,N,12917.16000,E,19.44,90.0,010324,,,A*69\r\n");
	/* south and west, and minutes that round up to a whole degree */
	p.lat = -33.99999999999;
	p.lon = -0.5;
	p.speed = p.heading = NAN;
	g_assert_cmpint(ecc_nmea_rmc(buf, sizeof(buf), &p), >, 0);
	g_assert_nonnull(strstr(buf, ",A,3400.00000,S,00030.00000,W,,,010324,"));
	assert_checksum(buf, strlen(buf));
	g_assert_cmpint(ecc_nmea_rmc(buf, 20, &p), ==, -1);
	p.ts = 0;
	g_assert_cmpint(ecc_nmea_rmc(buf, sizeof(buf), &p), ==, -1);
}

static void test_nmea_epoch_lines_check(void)
{
	struct ecc_position p;
	char buf[4 * ECC_NMEA_MAX];
	int n, lines = 0;

	ecc_position_init(&p);
	p.ts = 1709296496000;
	p.lat = LAT0;
	p.lon = LON0;
	p.alt = 215.3;
	p.speed = 12.3;
	p.heading = 271.4;
	p.acc = 3.0;
	n = ecc_nmea_epoch(buf, sizeof(buf), &p);
	g_assert_cmpint(n, >, 0);
	g_assert_cmpint(n, ==, (int)strlen(buf));
	for (char *line = buf; *line; lines++) {
		char *end = strstr(line, "\r\n");

		g_assert_nonnull(end);
		g_assert_cmpint(end + 2 - line, <=, 82); /* the standard's limit */
		assert_checksum(line, (size_t)(end + 2 - line));
		line = end + 2;
	}
	g_assert_cmpint(lines, ==, 4);
	g_assert_true(g_str_has_prefix(buf, "$GPRMC,123456.00,A,"));
	g_assert_nonnull(strstr(buf, "$GPGGA,123456.00,4708.28000,N,12917.16000,E,1,"));
	g_assert_nonnull(strstr(buf, ",215.3,M,"));
	g_assert_nonnull(strstr(buf, "$GPVTG,271.4,T,,M,23.91,N,44.28,K,A*"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/roads/the town is connected and within 3 km of the centre",
	                test_town_connected_within_3km);
	g_test_add_func("/roads/streets run a block of 250-400 m apart",
	                test_streets_a_block_apart);
	g_test_add_func("/roads/the same seed builds the same town, another seed another",
	                test_same_seed_same_town);
	g_test_add_func("/roads/a route runs from start to end over adjacent crossings",
	                test_route_over_adjacent_crossings);
	g_test_add_func("/roads/local metres and degrees convert both ways",
	                test_latlon_round_trip);
	g_test_add_func("/mover/officers walk along streets at 1 to 1.6 metres a second",
	                test_officers_walk_along_streets);
	g_test_add_func("/mover/vehicles stay on roads at 8 to 15 metres a second",
	                test_vehicles_drive_8_to_15);
	g_test_add_func("/mover/vehicles slow down for turns", test_vehicles_slow_for_turns);
	g_test_add_func("/mover/drones fly at 8 to 12 metres a second, 40 to 120 m up",
	                test_drones_fly_40_to_120_up);
	g_test_add_func("/mover/a low battery is announced once", test_battery_warning_once);
	g_test_add_func("/nmea/the checksum of the textbook GGA is 47",
	                test_nmea_checksum_of_textbook_gga);
	g_test_add_func("/nmea/RMC carries UTC time, date, ddmm.mmmmm and knots",
	                test_nmea_rmc_fields);
	g_test_add_func("/nmea/every line of an epoch is short and checks",
	                test_nmea_epoch_lines_check);
	return g_test_run();
}
