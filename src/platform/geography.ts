// Distances on the ground at a council's scale: a few hundred metres, where a degree of longitude
// is shorter than a degree of latitude by the cosine of the latitude.

export interface Point {
  lat: number;
  long: number;
}

const METRES_PER_DEGREE_OF_LATITUDE = 111_320;

/** How much shorter a degree of longitude is than one of latitude, at `lat`. */
export function longitudeScale(lat: number): number {
  return Math.cos((lat * Math.PI) / 180);
}

/** The box of latitudes and longitudes around `point` holding every place within `metres` of it (for an index range scan). */
export function boundingBox(point: Point, metres: number) {
  const latitudeDelta = metres / METRES_PER_DEGREE_OF_LATITUDE;
  const longitudeDelta = metres / (METRES_PER_DEGREE_OF_LATITUDE * longitudeScale(point.lat));
  return {
    minLat: point.lat - latitudeDelta,
    maxLat: point.lat + latitudeDelta,
    minLong: point.long - longitudeDelta,
    maxLong: point.long + longitudeDelta,
  };
}
