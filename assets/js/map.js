// The map on a location question, for residents with JavaScript: the page works without it
// (postcode, then address), and the map is shown only once this script runs. The place chosen is
// the centre of the map, marked by a ring: drag or click the map to move it there, or use the
// arrow keys and + and - on the map, then the button. No marker to aim at, so it works the same
// with a mouse, a finger or a keyboard.
import L from 'leaflet';

const section = document.querySelector('[data-module="onedoor-map"]');
if (section) {
  const { tiles, attribution, lat, long, zoom } = section.dataset;
  section.hidden = false;
  const canvas = section.querySelector('.onedoor-map__canvas');
  const map = L.map(canvas, { keyboard: true, zoomControl: true }).setView([Number(lat), Number(long)], Number(zoom));
  map.attributionControl.setPrefix(false);
  L.tileLayer(tiles, { attribution, maxZoom: 19 }).addTo(map);
  map.on('click', (event) => map.panTo(event.latlng));

  // The form always carries the centre once the map has stopped moving, and again as it is sent.
  const form = section.querySelector('form');
  const keepCentre = () => {
    const centre = map.getCenter();
    form.elements.namedItem('lat').value = centre.lat.toFixed(6);
    form.elements.namedItem('long').value = centre.lng.toFixed(6);
  };
  keepCentre();
  map.on('moveend', keepCentre);
  form.addEventListener('submit', keepCentre);
}
