// One line chart on a canvas: a metric's series, one line per host (the Job dashboard) or per run (Compare
// Runs), against the clock or against the time since each run started (`xAxis: 'elapsed'`). The layout (points per
// pixel column, ticks) is core/metrics/chartLayout.ts, the code the bench measures, so a series of any
// length costs the chart's width to draw. The canvas is sized through its attributes and the CSSOM, which
// the CSP's style-src does not govern. Colours come from the theme's --vscode-* variables.

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
      { className: 'chart', testId: 'chart', attrs: { 'data-metric': metric, 'data-group': group } },
      h('figcaption', {}, title),
      this.canvas,
      this.legend,
    );
  }

  setLines(lines: ChartLine[]): void {
    this.lines = lines;
    const palette = readPalette();
    this.legend.replaceChildren(
      ...lines.map((l, i) => {
        const swatch = h('span', { className: 'swatch' });
        swatch.style.background = palette[(l.colour ?? i) % palette.length]!;
        const last = [...l.points].reverse().find(([, v]) => Number.isFinite(v));
        return h(
          'li',
          { testId: 'series-label', attrs: { 'data-host': l.label } },
          swatch,
          l.label,
          last ? h('span', { className: 'muted' }, ` ${formatValue(last[1], this.unit)}`) : undefined,
        );
      }),
    );
    this.canvas.setAttribute('aria-label', `${this.metric}: ${lines.map((l) => `${l.label} (${l.points.length} points)`).join(', ')}`);
  }

  draw(): void {
    const width = Math.max(200, Math.floor(this.element.clientWidth || 480));
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(HEIGHT * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const style = getComputedStyle(document.body);
    const foreground = style.getPropertyValue('--vscode-foreground').trim() || style.color;
    const grid = style.getPropertyValue('--vscode-editorWidget-border').trim() || style.getPropertyValue('--vscode-panel-border').trim() || foreground;
    ctx.font = `11px ${style.getPropertyValue('--vscode-font-family').trim() || style.fontFamily}`;
    const range = extents(this.lines.map((l) => l.points));
    if (!range) {
      ctx.fillStyle = foreground;
      ctx.fillText('no values yet', MARGIN.left, HEIGHT / 2);
      return;
    }
    const area = { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom };
    ctx.strokeStyle = grid;
    ctx.fillStyle = foreground;
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
    const palette = readPalette();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1.5;
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

function readPalette(): string[] {
  const style = getComputedStyle(document.body);
  const colours = PALETTE.map((v) => style.getPropertyValue(v).trim()).filter(Boolean);
  return colours.length > 0 ? colours : [style.color || '#888'];
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
