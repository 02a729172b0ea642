// One line chart on a canvas: a metric's series, one line per host (the Job dashboard) or per run (Compare
// Runs), against the clock or against the time since each run started (`xAxis: 'elapsed'`). The layout
// (points per pixel column, ticks) is core/metrics/chartLayout.ts, so a series of any length costs the
// chart's width to draw. The canvas is sized through its attributes and the CSSOM, which the CSP's
// style-src does not govern. Colours come from the theme's --vscode-* variables, read once per frame for
// every chart (readTheme).
//
// Live, the page gets an update every few seconds for hours: a chart redraws only when its lines or its
// width changed, its canvas keeps its backing store while its size holds, and its legend changes the text
// that changed rather than being rebuilt. bench/dashboardRender.ts measures this page in Chromium
// (docs/PERFORMANCE.md, "Job dashboard").

import { extents, layoutLine, niceTicks } from '../../../core/metrics/chartLayout';
import type { SeriesPoint } from '../../../core/metrics/metricSeries';
import { formatBytes, formatDuration } from '../../../core/format';
import { h } from '../dom';

export interface ChartLine {
  /** What the legend says: the host, or the series name for a job-wide series. */
  label: string;
  points: readonly SeriesPoint[];
  /** Index into the theme's chart palette; by default the line's position. Compare Runs gives a run one colour in every chart. */
  colour?: number;
}

export interface LineChartOptions {
  /** `clock` (default): points are epoch ms, ticks read hh:mm; `elapsed`: points are ms since a start, ticks read `5 min`. */
  xAxis?: 'clock' | 'elapsed';
}

const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const HEIGHT = 180;
const MARGIN = { left: 56, right: 12, top: 10, bottom: 22 };

export class LineChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private lines: ChartLine[] = [];
  /** Per legend entry: its label, swatch colour and the element showing the last value. */
  private legendItems: Array<{ label: string; colour: string; value: HTMLElement }> = [];
  private ariaLabel = '';
  private dirty = true;
  /** The CSS width the canvas was last drawn at (0: never). */
  private drawnWidth = 0;
  private drawnRatio = 0;

  constructor(
    readonly metric: string,
    title: string,
    readonly unit: string,
    group: 'training' | 'system',
    private readonly options: LineChartOptions = {},
  ) {
    this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': title } });
    this.legend = h('ul', { className: 'legend' });
    this.element = h(
      'figure',
      { className: 'chart', testId: 'chart', attrs: { 'data-metric': metric, 'data-group': group, 'aria-busy': 'true' } },
      h('figcaption', {}, title),
      this.canvas,
      this.legend,
    );
  }

  /** New lines (or the same lines with new points): the legend follows now, the canvas when it is drawn next. */
  setLines(lines: ChartLine[], theme: ChartTheme): void {
    this.lines = lines;
    this.markDirty();
    const palette = theme.palette;
    const same =
      lines.length === this.legendItems.length &&
      lines.every((l, i) => l.label === this.legendItems[i]!.label && palette[(l.colour ?? i) % palette.length] === this.legendItems[i]!.colour);
    if (!same) {
      this.legendItems = lines.map((l, i) => ({ label: l.label, colour: palette[(l.colour ?? i) % palette.length]!, value: h('span', { className: 'muted' }) }));
      this.legend.replaceChildren(
        ...this.legendItems.map((item) => {
          const swatch = h('span', { className: 'swatch' });
          swatch.style.background = item.colour;
          return h('li', { testId: 'series-label', attrs: { 'data-host': item.label } }, swatch, item.label, item.value);
        }),
      );
    }
    lines.forEach((l, i) => {
      const last = lastFinite(l.points);
      const text = last === undefined ? '' : ` ${formatValue(last, this.unit)}`;
      const value = this.legendItems[i]!.value;
      if (value.textContent !== text) value.textContent = text;
    });
    const aria = `${this.metric}: ${lines.map((l) => `${l.label} (${l.points.length} points)`).join(', ')}`;
    if (aria !== this.ariaLabel) this.canvas.setAttribute('aria-label', (this.ariaLabel = aria));
  }

  /** Marks the chart for the next draw (the theme changed). */
  invalidate(): void {
    this.markDirty();
  }

  /**
   * The canvas no longer shows the chart's lines: `aria-busy` on the figure says so until it is drawn (the
   * dashboard draws a few charts a frame; bench/dashboard/pageProbe.js waits for the last).
   */
  private markDirty(): void {
    if (!this.dirty) this.element.setAttribute('aria-busy', 'true');
    this.dirty = true;
  }

  /** Whether a draw at `width` CSS pixels would change the canvas: new lines, a new width or a new pixel ratio. */
  needsDraw(width: number): boolean {
    const ratio = window.devicePixelRatio || 1;
    return this.dirty || width !== this.drawnWidth || ratio !== this.drawnRatio;
  }

  /** The width the chart would be drawn at: read for every chart before any draws, so the page lays out once per frame. */
  measure(): number {
    return Math.max(200, Math.floor(this.element.clientWidth || 480));
  }

  /** Draws at `width` CSS pixels if the lines, the width or the pixel ratio changed since the last draw. */
  draw(width: number, theme: ChartTheme): void {
    if (!this.needsDraw(width)) return;
    const ratio = window.devicePixelRatio || 1;
    if (this.dirty) this.element.removeAttribute('aria-busy');
    this.dirty = false;
    if (width !== this.drawnWidth || ratio !== this.drawnRatio) {
      // A new size reallocates the canvas's backing store: only when it changes.
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(HEIGHT * ratio);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${HEIGHT}px`;
      this.drawnWidth = width;
      this.drawnRatio = ratio;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    ctx.font = theme.font;
    const range = extents(this.lines.map((l) => l.points));
    if (!range) {
      ctx.fillStyle = theme.foreground;
      ctx.fillText('no values yet', MARGIN.left, HEIGHT / 2);
      return;
    }
    const area = { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom };
    ctx.strokeStyle = theme.grid;
    ctx.fillStyle = theme.foreground;
    ctx.lineWidth = 1;
    ctx.globalAlpha = 0.35;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of niceTicks(range.y.min, range.y.max, 4)) {
      const y = area.top + area.height - ((v - range.y.min) / (range.y.max - range.y.min)) * area.height;
      ctx.globalAlpha = 0.35;
      ctx.beginPath();
      ctx.moveTo(area.left, Math.round(y) + 0.5);
      ctx.lineTo(area.left + area.width, Math.round(y) + 0.5);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillText(formatValue(v, this.unit), area.left - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const stepMs = niceTimeStep((range.x.max - range.x.min) / 5);
    for (let t = Math.ceil(range.x.min / stepMs) * stepMs; t <= range.x.max; t += stepMs) {
      const x = area.left + ((t - range.x.min) / (range.x.max - range.x.min)) * area.width;
      ctx.fillText(this.options.xAxis === 'elapsed' ? formatDuration(t / 1000) : clock(t, stepMs), x, area.top + area.height + 5);
    }
    const palette = theme.palette;
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1.5;
    // A dense series zigzags within its pixel columns: mitred joins cost Skia's raster (at the browser's
    // commit of the frame) twice the time of bevelled ones, and draw spikes past the values.
    ctx.lineJoin = 'bevel';
    this.lines.forEach((line, i) => {
      const xy = layoutLine(line.points, range.x, range.y, area);
      ctx.strokeStyle = palette[(line.colour ?? i) % palette.length]!;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.beginPath();
      let pen = false;
      let count = 0;
      for (let k = 0; k + 1 < xy.length; k += 2) {
        const x = xy[k]!;
        const y = xy[k + 1]!;
        if (Number.isNaN(x)) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        pen = true;
        count++;
      }
      ctx.stroke();
      // A single reading (one CloudWatch minute, one eval) is a dot rather than nothing.
      if (count === 1) {
        ctx.beginPath();
        ctx.arc(xy[0]!, xy[1]!, 2.5, 0, Math.PI * 2);
        ctx.fill();
      }
    });
  }
}

/** What every chart reads from the theme, read once for all of them (getComputedStyle costs a style pass). */
export interface ChartTheme {
  foreground: string;
  grid: string;
  font: string;
  palette: string[];
}

export function readTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const foreground = style.getPropertyValue('--vscode-foreground').trim() || style.color;
  const colours = PALETTE.map((v) => style.getPropertyValue(v).trim()).filter(Boolean);
  return {
    foreground,
    grid: style.getPropertyValue('--vscode-editorWidget-border').trim() || style.getPropertyValue('--vscode-panel-border').trim() || foreground,
    font: `11px ${style.getPropertyValue('--vscode-font-family').trim() || style.fontFamily}`,
    palette: colours.length > 0 ? colours : [style.color || '#888'],
  };
}

function lastFinite(points: readonly SeriesPoint[]): number | undefined {
  for (let i = points.length - 1; i >= 0; i--) if (Number.isFinite(points[i]![1])) return points[i]![1];
  return undefined;
}

export function formatValue(v: number, unit: string): string {
  if (unit === 'Percent') return `${Math.round(v * 10) / 10} %`;
  if (unit === 'Bytes') return formatBytes(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

function niceTimeStep(raw: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400].map((s) => s * 1000);
  return steps.find((s) => s >= raw) ?? 86400_000;
}

function clock(t: number, stepMs: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return stepMs < 60_000 ? `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}` : `${two(d.getHours())}:${two(d.getMinutes())}`;
}
