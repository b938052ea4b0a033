// The report's charts, drawn on the server as SVG (no script, and the same on paper): the geometry
// is worked out here, and views/report/chart.njk draws it. Each series has a colour with at least
// 3:1 contrast against the white page and a pattern of its own, every shape a dark outline, and
// every bar its value written beside it, so colour is never the only cue; each chart has a data
// table beside it on the page.

export const PATTERN_KINDS = [
  'solid',
  'diagonal',
  'dots',
  'horizontal',
  'vertical',
  'cross',
  'reverse_diagonal',
  'diagonal_cross',
  'rings',
] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

/** A fill: a colour with white marks over it, in an 8 by 8 tile. */
export interface Pattern {
  id: string;
  colour: string;
  /** Lines as an SVG path, or null for none. */
  marks: string | null;
  dots: { cx: number; cy: number; r: number }[];
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The id of its pattern. */
  pattern: string;
}

export interface Line {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** A light grid line rather than an axis. */
  grid: boolean;
}

export interface Label {
  x: number;
  y: number;
  text: string;
  anchor: 'start' | 'middle' | 'end';
  bold?: boolean;
}

export interface Chart {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  patterns: Pattern[];
  bars: Bar[];
  lines: Line[];
  labels: Label[];
}

const DIAGONAL = 'M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4';
const REVERSE_DIAGONAL = 'M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4';
const MARKS: Record<PatternKind, { marks: string | null; dots: Pattern['dots'] }> = {
  solid: { marks: null, dots: [] },
  diagonal: { marks: DIAGONAL, dots: [] },
  dots: { marks: null, dots: [{ cx: 4, cy: 4, r: 1.6 }] },
  horizontal: { marks: 'M0,4 h8', dots: [] },
  vertical: { marks: 'M4,0 v8', dots: [] },
  cross: { marks: 'M0,4 h8 M4,0 v8', dots: [] },
  reverse_diagonal: { marks: REVERSE_DIAGONAL, dots: [] },
  diagonal_cross: { marks: `${DIAGONAL} ${REVERSE_DIAGONAL}`, dots: [] },
  rings: {
    marks: null,
    dots: [
      { cx: 2, cy: 2, r: 1.2 },
      { cx: 6, cy: 6, r: 1.2 },
    ],
  },
};

export function patternOf(id: string, colour: string, kind: PatternKind): Pattern {
  return { id, colour, ...MARKS[kind] };
}

/** Each channel's colour (GOV.UK's palette, each at least 3:1 against white) and pattern. */
export const CHANNEL_STYLES: Record<string, { colour: string; pattern: PatternKind }> = {
  phone: { colour: '#1d70b8', pattern: 'solid' },
  face_to_face: { colour: '#00703c', pattern: 'diagonal' },
  web: { colour: '#4c2c92', pattern: 'dots' },
  email: { colour: '#d4351c', pattern: 'horizontal' },
  kiosk: { colour: '#505a5f', pattern: 'vertical' },
  mobile_bus: { colour: '#912b88', pattern: 'cross' },
  letter: { colour: '#28a197', pattern: 'reverse_diagonal' },
  social: { colour: '#d53880', pattern: 'diagonal_cross' },
  chat: { colour: '#003078', pattern: 'rings' },
};

/** Red, amber, green and not known: the status words sit beside the bars too. */
export const RAG_STYLES: Record<string, { colour: string; pattern: PatternKind }> = {
  red: { colour: '#d4351c', pattern: 'diagonal' },
  amber: { colour: '#f47738', pattern: 'dots' },
  green: { colour: '#00703c', pattern: 'solid' },
  not_known: { colour: '#505a5f', pattern: 'cross' },
};

/** WCAG's relative luminance of a #rrggbb colour. */
export function luminanceOf(colour: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const channel = parseInt(colour.slice(at, at + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrastRatio(one: string, other: string): number {
  const [light, dark] = [luminanceOf(one), luminanceOf(other)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

/** A scale's top and step for values up to `max`: whole numbers in steps of 1, 2 or 5 times a power of ten. */
export function niceScale(max: number, steps = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 1 };
  const rough = max / steps;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((multiple) => multiple * magnitude).find((each) => each >= rough)!,
  );
  return { top: Math.ceil(max / step) * step, step };
}

const round = (value: number) => Math.round(value * 10) / 10;

/** One horizontal bar per row, its length to scale, its value written after it. */
export function horizontalBars(input: {
  id: string;
  title: string;
  description: string;
  rows: { key: string; label: string; value: number | null; text: string; colour: string; pattern: PatternKind }[];
  /** The scale's end (100 for percentages); the largest value when not given. */
  top?: number;
  /** Ticks along the scale, with their labels; none when not given. */
  ticks?: { value: number; text: string }[];
}): Chart {
  const labelWidth = 170;
  const left = labelWidth + 10;
  const plotWidth = 360;
  const rowHeight = 32;
  const barHeight = 20;
  const top = input.top ?? Math.max(1, ...input.rows.map((row) => row.value ?? 0));
  const ticks = input.ticks ?? [];
  const plotHeight = input.rows.length * rowHeight;
  const height = plotHeight + (ticks.length > 0 ? 36 : 12);
  const patterns = input.rows.map((row) => patternOf(`${input.id}-${row.key}`, row.colour, row.pattern));
  const bars: Bar[] = [];
  const labels: Label[] = [];
  const lines: Line[] = ticks.map((tick) => {
    const x = round(left + (tick.value / top) * plotWidth);
    return { x1: x, y1: 4, x2: x, y2: plotHeight + 4, grid: tick.value !== 0 };
  });
  if (ticks.length === 0) lines.push({ x1: left, y1: 4, x2: left, y2: plotHeight + 4, grid: false });
  input.rows.forEach((row, index) => {
    const y = 4 + index * rowHeight + (rowHeight - barHeight) / 2;
    const width = row.value === null ? 0 : round((Math.max(0, row.value) / top) * plotWidth);
    if (width > 0) bars.push({ x: left, y, width, height: barHeight, pattern: `${input.id}-${row.key}` });
    labels.push({ x: labelWidth, y: y + 15, text: row.label, anchor: 'end' });
    labels.push({ x: left + width + 6, y: y + 15, text: row.text, anchor: 'start', bold: true });
  });
  for (const tick of ticks)
    labels.push({ x: round(left + (tick.value / top) * plotWidth), y: plotHeight + 24, text: tick.text, anchor: 'middle' });
  return {
    id: input.id,
    title: input.title,
    description: input.description,
    width: left + plotWidth + 120,
    height,
    patterns,
    bars,
    lines,
    labels,
  };
}

/** Columns of stacked parts (contacts per month by channel), each column's total above it, and a legend below. */
export function stackedColumns(input: {
  id: string;
  title: string;
  description: string;
  columns: string[];
  series: { key: string; label: string; values: number[]; colour: string; pattern: PatternKind }[];
  valueText: (value: number) => string;
}): Chart {
  const width = 720;
  const left = 64;
  const right = 16;
  const top = 28;
  const plotHeight = 220;
  const plotWidth = width - left - right;
  const base = top + plotHeight;
  const totals = input.columns.map((_, column) => input.series.reduce((sum, series) => sum + (series.values[column] ?? 0), 0));
  const scale = niceScale(Math.max(0, ...totals));
  const band = plotWidth / Math.max(1, input.columns.length);
  const barWidth = Math.min(48, band * 0.7);
  const patterns = input.series.map((series) => patternOf(`${input.id}-${series.key}`, series.colour, series.pattern));
  const bars: Bar[] = [];
  const lines: Line[] = [];
  const labels: Label[] = [];
  for (let value = 0; value <= scale.top; value += scale.step) {
    const y = round(base - (value / scale.top) * plotHeight);
    lines.push({ x1: left, y1: y, x2: width - right, y2: y, grid: value !== 0 });
    labels.push({ x: left - 8, y: y + 5, text: input.valueText(value), anchor: 'end' });
  }
  lines.push({ x1: left, y1: top, x2: left, y2: base, grid: false });
  // Every month named when there is room; otherwise every second, third...
  const every = Math.ceil(input.columns.length / 8);
  input.columns.forEach((column, index) => {
    const x = round(left + index * band + (band - barWidth) / 2);
    let y = base;
    for (const series of input.series) {
      const value = series.values[index] ?? 0;
      if (value <= 0) continue;
      const height = round((value / scale.top) * plotHeight);
      y = round(y - height);
      bars.push({ x, y, width: round(barWidth), height, pattern: `${input.id}-${series.key}` });
    }
    if (input.columns.length <= 12)
      labels.push({ x: round(x + barWidth / 2), y: y - 6, text: input.valueText(totals[index]!), anchor: 'middle', bold: true });
    if (index % every === 0) labels.push({ x: round(x + barWidth / 2), y: base + 20, text: column, anchor: 'middle' });
  });
  // The legend: three to a row.
  const legendTop = base + 40;
  input.series.forEach((series, index) => {
    const x = left + (index % 3) * 210;
    const y = legendTop + Math.floor(index / 3) * 26;
    bars.push({ x, y, width: 18, height: 18, pattern: `${input.id}-${series.key}` });
    labels.push({ x: x + 26, y: y + 14, text: series.label, anchor: 'start' });
  });
  const legendRows = Math.ceil(input.series.length / 3);
  return {
    id: input.id,
    title: input.title,
    description: input.description,
    width,
    height: legendTop + legendRows * 26 + 8,
    patterns,
    bars,
    lines,
    labels,
  };
}
