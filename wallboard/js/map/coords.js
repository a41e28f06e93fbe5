// Devices report WGS-84. Some Chinese tile services draw in GCJ-02: with
// such a basemap ([map] tiles_gcj02, and only with configured tiles: the
// offline outlines are WGS-84) every position is shifted before it is drawn.
// The shift is gcoord's (npm, served locally).
import gcoord from '/vendor/gcoord/gcoord.esm-browser.prod.js';

// A function (lat, lon) -> [lat, lon] on this map's basemap.
export function mapProjection(config) {
  if (!config.tiles || !config.tiles_gcj02) return (lat, lon) => [lat, lon];
  return (lat, lon) => {
    const [x, y] = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02);
    return [y, x];
  };
}
