// Training curves with chart.js: loss, learning rate and evaluation metrics against the step. Only the
// pieces used are registered, which keeps the rest of chart.js out of the bundle. chart.js draws on a
// canvas and sizes it through the CSSOM (element.style), which the CSP's style-src does not govern, so it
// needs neither 'unsafe-inline' nor 'unsafe-eval'. Colours and fonts come from the theme's --vscode-*
// variables and are read again when the theme changes.

import { Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import type { CurveAxis, CurveSeries } from '../protocol';
import { h, replaceChildren } from './dom';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

const GROUPS: ReadonlyArray<{ axis: CurveAxis; title: string }> = [
  { axis: 'loss', title: 'Loss' },
  { axis: 'learning-rate', title: 'Learning rate' },
  { axis: 'metric', title: 'Evaluation metrics' },
];

/** The theme's chart palette, in the order series get it. */
const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];

export class TrainingCharts {
  private charts: Chart[] = [];
  private curves: CurveSeries[] = [];
  private drawnKey = '';

  constructor(private readonly container: HTMLElement) {
    // VS Code swaps the body's theme class (vscode-light, vscode-dark, vscode-high-contrast) on a theme change.
    new MutationObserver(() => this.draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  render(curves: CurveSeries[]): void {
    // Editing README.md re-sends the card; the curves are the same and need no redraw.
    const key = JSON.stringify(curves);
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    this.curves = curves;
    this.draw();
  }

  private draw(): void {
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
    if (this.curves.length === 0) {
      replaceChildren(this.container, h('p', { className: 'muted', testId: 'curves-empty' }, 'No training curves: the folder has no trainer_state.json with a log history.'));
      return;
    }
    const theme = readTheme();
    Chart.defaults.font.family = theme.fontFamily;
    Chart.defaults.color = theme.foreground;
    Chart.defaults.borderColor = theme.grid;
    const boxes: HTMLElement[] = [];
    const pending: Array<[HTMLCanvasElement, ChartConfiguration<'line', Array<{ x: number; y: number }>>]> = [];
    let colour = 0;
    for (const group of GROUPS) {
      const series = this.curves.filter((c) => c.axis === group.axis);
      if (series.length === 0) continue;
      const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `${group.title}: ${series.map((s) => `${s.label} (${s.points.length} points)`).join(', ')}` } });
      const box = h(
        'figure',
        { className: 'chart', testId: 'chart', attrs: { 'data-axis': group.axis } },
        h('figcaption', {}, group.title),
        h('div', { className: 'chart-box' }, canvas),
      );
      boxes.push(box);
      const datasets = series.map((s) => {
        const color = theme.palette[colour++ % theme.palette.length] ?? theme.foreground;
        return {
          label: s.label,
          data: s.points.map((p) => ({ x: p.step, y: p.value })),
          borderColor: color,
          backgroundColor: color,
          borderWidth: 1.5,
          pointRadius: s.points.length <= 30 ? 2.5 : 0,
          pointHoverRadius: 3,
          tension: 0,
        };
      });
      const config: ChartConfiguration<'line', Array<{ x: number; y: number }>> = {
        type: 'line',
        data: { datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          parsing: false,
          normalized: true,
          interaction: { mode: 'nearest', axis: 'x', intersect: false },
          scales: {
            x: { type: 'linear', title: { display: true, text: 'Step' } },
            y: { type: 'linear', ...(group.axis === 'learning-rate' ? { ticks: { callback: (v) => Number(v).toExponential(1) } } : {}) },
          },
          plugins: {
            legend: { position: 'bottom', labels: { boxWidth: 12 } },
            tooltip: { callbacks: { title: (items) => (items[0] ? `Step ${items[0].parsed.x}` : '') } },
          },
        },
      };
      pending.push([canvas, config]);
    }
    // The canvases go into the page first, so that chart.js measures and draws each chart as it is created.
    replaceChildren(this.container, ...boxes);
    this.charts = pending.map(([canvas, config]) => new Chart(canvas, config));
  }
}

interface Theme {
  fontFamily: string;
  foreground: string;
  grid: string;
  palette: string[];
}

function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const v = (name: string) => style.getPropertyValue(name).trim();
  // The body's computed colour is the theme's foreground (see modelCard.css), or the browser's default
  // when a theme lacks the variable: never an empty colour, which would draw nothing.
  const foreground = v('--vscode-foreground') || style.color;
  const palette = PALETTE.map(v).filter(Boolean);
  return {
    fontFamily: v('--vscode-font-family') || style.fontFamily,
    foreground,
    grid: v('--vscode-editorWidget-border') || v('--vscode-panel-border') || foreground,
    palette: palette.length > 0 ? palette : [foreground],
  };
}
