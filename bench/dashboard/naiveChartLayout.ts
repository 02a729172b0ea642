// The baseline of the dashboard's drawing benchmark (bench/dashboardRender.ts): core/metrics/chartLayout.ts
// with its layoutLine replaced by the naive one, every point of a series mapped to the screen (a non-finite
// value still breaks the line), no thinning to the pixel columns. The baseline page bundle resolves
// lineChart.ts's import of chartLayout here; everything else on the page is the same code.

import type { SeriesPoint } from '../../src/core/metrics/metricSeries';
import type { Extent, PlotArea } from '../../src/core/metrics/chartLayout';

export { extents, niceTicks } from '../../src/core/metrics/chartLayout';
export type { Extent, PlotArea } from '../../src/core/metrics/chartLayout';

export function layoutLine(points: readonly SeriesPoint[], x: Extent, y: Extent, area: PlotArea): Float32Array {
  const out = new Float32Array(points.length * 2);
  const sx = area.width / (x.max - x.min);
  const sy = area.height / (y.max - y.min);
  const bottom = area.top + area.height;
  let n = 0;
  for (const [t, v] of points) {
    if (Number.isFinite(v)) {
      out[n++] = area.left + (t - x.min) * sx;
      out[n++] = bottom - (v - y.min) * sy;
    } else {
      out[n++] = NaN;
      out[n++] = NaN;
    }
  }
  return out;
}
