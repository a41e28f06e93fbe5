// The offline basemap: country outlines from world-atlas (npm), drawn as
// vector polygons, so the map works with no tile server and no internet.
// A configured tile URL (an internal GIS or a 天地图 server) goes on top,
// and a local overlay (roads, district lines) when the hub has one.
import * as L from '/vendor/leaflet/leaflet-src.esm.js';

const OUTLINE = { color: '#3b6ea8', weight: 1, fillColor: '#0f2238', fillOpacity: 1 };
const OVERLAY = { color: '#4b6f98', weight: 2, opacity: 0.9 };

export async function addBasemap(map, config) {
  const res = await fetch('/vendor/world-atlas/countries-50m.json');
  const topo = await res.json();
  // topojson-client is loaded by a classic script tag (its npm build is UMD).
  const countries = window.topojson.feature(topo, topo.objects.countries);
  L.geoJSON(countries, { style: OUTLINE, interactive: false }).addTo(map);
  if (config.tiles) {
    L.tileLayer(config.tiles, { attribution: config.tiles_attribution || '', maxZoom: 19 }).addTo(map);
  }
  if (config.overlay) {
    const ov = await fetch('/api/v1/map/overlay', { credentials: 'same-origin' });
    if (ov.ok) L.geoJSON(await ov.json(), { style: OVERLAY, interactive: false }).addTo(map);
  }
}
