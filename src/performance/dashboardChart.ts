// The geometry of the dashboard's hourly chart, drawn as SVG on the server by the page's template:
// a bar for each hour's contacts today, and circles joined by a line for the typical day. The
// bars and the line differ in shape as well as colour, and the template names both in a legend.

export interface HourValue {
  hour: number;
  today: number;
  typical: number;
}

export interface HourlyChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: { x: number; y: number; width: number; height: number; hour: number; value: number }[];
  /** The typical day: the polyline's points ("x,y x,y ...") and a marker at each. */
  typicalLine: string;
  markers: { cx: number; cy: number; hour: number; value: number }[];
  yTicks: { y: number; value: number }[];
  xLabels: { x: number; label: string }[];
  max: number;
}

const MARGIN = { left: 52, right: 12, top: 12, bottom: 36 };

/** A step for the value axis: 1, 2 or 5 times a power of ten, giving about four intervals, never below 1. */
export function axisStep(max: number): number {
  const raw = Math.max(max / 4, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const multiple of [1, 2, 5, 10]) {
    if (multiple * power >= raw) return multiple * power;
  }
  return 10 * power;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** The chart of `values` for each hour from `first` to `last` (hours with no value count as 0). */
export function hourlyChart(
  values: HourValue[],
  hours: { first: number; last: number },
  size: { width: number; height: number } = { width: 640, height: 260 },
): HourlyChart {
  const byHour = new Map(values.map((value) => [value.hour, value]));
  const series: HourValue[] = [];
  for (let hour = hours.first; hour <= hours.last; hour++) series.push(byHour.get(hour) ?? { hour, today: 0, typical: 0 });
  const highest = Math.max(0, ...series.flatMap((value) => [value.today, value.typical]));
  const step = axisStep(highest);
  const max = Math.max(step, Math.ceil(highest / step) * step);
  const plot = { left: MARGIN.left, top: MARGIN.top, right: size.width - MARGIN.right, bottom: size.height - MARGIN.bottom };
  const band = (plot.right - plot.left) / Math.max(series.length, 1);
  const y = (value: number) => round(plot.bottom - ((plot.bottom - plot.top) * value) / max);
  const centre = (index: number) => round(plot.left + band * (index + 0.5));
  const barWidth = round(band * 0.6);
  const markers = series.map((value, index) => ({
    cx: centre(index),
    cy: y(value.typical),
    hour: value.hour,
    value: value.typical,
  }));
  const yTicks: HourlyChart['yTicks'] = [];
  for (let value = 0; value <= max; value += step) yTicks.push({ y: y(value), value });
  return {
    width: size.width,
    height: size.height,
    plot,
    bars: series.map((value, index) => ({
      x: round(centre(index) - barWidth / 2),
      y: y(value.today),
      width: barWidth,
      height: round(plot.bottom - y(value.today)),
      hour: value.hour,
      value: value.today,
    })),
    typicalLine: markers.map((marker) => `${marker.cx},${marker.cy}`).join(' '),
    markers,
    yTicks,
    xLabels: series.map((value, index) => ({ x: centre(index), label: String(value.hour).padStart(2, '0') })),
    max,
  };
}
