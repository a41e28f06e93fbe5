// NMEA 0183 logs for gpsfake: $GPRMC + $GPGGA once per second, starting
// now, so gpsd reports fixes with current times.
function checksum(body) {
  let c = 0;
  for (const ch of body) c ^= ch.charCodeAt(0);
  return c.toString(16).toUpperCase().padStart(2, '0');
}

function dm(v, isLat) {
  const a = Math.abs(v), d = Math.floor(a), m = (a - d) * 60;
  const deg = String(d).padStart(isLat ? 2 : 3, '0');
  return [`${deg}${m.toFixed(4).padStart(7, '0')}`, isLat ? (v >= 0 ? 'N' : 'S') : (v >= 0 ? 'E' : 'W')];
}

const sentence = (body) => `$${body}*${checksum(body)}\r\n`;

// seconds of fixes moving north from (lat, lon), starting at startMs.
export function nmeaLog({ startMs = Date.now(), seconds = 60, lat = 47.138, lon = 129.286 } = {}) {
  let out = '';
  for (let i = 0; i < seconds; i++) {
    const t = new Date(Math.floor(startMs / 1000) * 1000 + i * 1000);
    const hms = `${t.toISOString().slice(11, 19).replace(/:/g, '')}.00`;
    const dmy = `${t.toISOString().slice(8, 10)}${t.toISOString().slice(5, 7)}${t.toISOString().slice(2, 4)}`;
    const [la, ns] = dm(lat + i * 0.0001, true);
    const [lo, ew] = dm(lon, false);
    out += sentence(`GPRMC,${hms},A,${la},${ns},${lo},${ew},10.0,0.0,${dmy},,,A`);
    out += sentence(`GPGGA,${hms},${la},${ns},${lo},${ew},1,08,0.9,200.0,M,0.0,M,,`);
  }
  return out;
}
