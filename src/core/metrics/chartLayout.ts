// Where a line chart's points go on screen: the work between a series and a canvas, without the canvas, so
// it is measured in node (bench/) as well as used by the dashboard page. A series of any length becomes at
// most four points per pixel column (first, min, max, last), so drawing costs the chart's width, not the
// number of log lines.

import type { SeriesPoint } from './metricSeries';

export interface Extent {
  min: number;
  max: number;
}

export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The finite range of x (time) and y over several series; undefined when none has a finite point. */
export function extents(series: ReadonlyArray<readonly SeriesPoint[]>): { x: Extent; y: Extent } | undefined {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const points of series) {
    for (const [t, v] of points) {
      if (!Number.isFinite(v)) continue;
      if (t < xMin) xMin = t;
      if (t > xMax) xMax = t;
      if (v < yMin) yMin = v;
      if (v > yMax) yMax = v;
    }
  }
  if (xMin === Infinity) return undefined;
  if (xMax === xMin) xMax = xMin + 1;
  if (yMax === yMin) {
    yMax += Math.abs(yMax) * 0.1 || 1;
    yMin -= Math.abs(yMin) * 0.1 || 1;
  }
  return { x: { min: xMin, max: xMax }, y: { min: yMin, max: yMax } };
}

/**
 * Screen coordinates [x0, y0, x1, y1, …] of `points` in `area`; NaN pairs mark gaps (a non-finite value
 * breaks the line between two pixel columns; one inside a column is narrower than a pixel and is not
 * marked). Consecutive points in one pixel column are reduced to first, min, max, last: at most five pairs
 * a column with its gap, so a series broken at every other point is drawn to its end.
 */
export function layoutLine(points: readonly SeriesPoint[], x: Extent, y: Extent, area: PlotArea): Float32Array {
  const out = new Float32Array(Math.min(points.length, Math.ceil(area.width + 1) * 5) * 2 + 16);
  let n = 0;
  const sx = area.width / (x.max - x.min);
  const sy = area.height / (y.max - y.min);
  const bottom = area.top + area.height;
  let column = NaN;
  let firstY = 0;
  let minY = 0;
  let maxY = 0;
  let lastY = 0;
  let colX = 0;
  let open = false;
  let gap = false;
  const flush = (): void => {
    if (!open) return;
    if (n + 8 > out.length) return;
    out[n++] = colX;
    out[n++] = firstY;
    if (minY !== firstY && minY !== lastY) {
      out[n++] = colX;
      out[n++] = minY;
    }
    if (maxY !== firstY && maxY !== lastY && maxY !== minY) {
      out[n++] = colX;
      out[n++] = maxY;
    }
    if (lastY !== firstY) {
      out[n++] = colX;
      out[n++] = lastY;
    }
    open = false;
  };
  const markGap = (): void => {
    if (gap && n > 0 && !Number.isNaN(out[n - 1]!) && n + 2 <= out.length) {
      out[n++] = NaN;
      out[n++] = NaN;
    }
    gap = false;
  };
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) {
      gap = true;
      continue;
    }
    const px = area.left + (t - x.min) * sx;
    const py = bottom - (v - y.min) * sy;
    const col = Math.round(px);
    if (col !== column) {
      flush();
      markGap();
      column = col;
      colX = col;
      firstY = minY = maxY = lastY = py;
      open = true;
    } else {
      // y grows downwards: the smallest value is the largest py.
      if (py > minY) minY = py;
      if (py < maxY) maxY = py;
      lastY = py;
      gap = false;
    }
  }
  flush();
  markGap();
  return out.subarray(0, n);
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}
