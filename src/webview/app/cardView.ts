// The card itself: title and actions, notices, the README rendered, its front matter, the results tables
// and the training curves. Everything but the README goes in as text; the README goes through
// cardMarkdown.ts.

import type { CardContent, ResultsTable, ViewMessage } from '../protocol';
import { button, h, replaceChildren } from './dom';
import { renderCardMarkdown } from './cardMarkdown';
import { TrainingCharts } from './trainingCharts';

const SOURCE_LABEL: Record<CardContent['readmeSource'], string> = {
  file: 'README.md',
  editor: 'README.md (unsaved edits)',
  generated: 'generated card (not saved)',
};

export class CardView {
  readonly header: HTMLElement;
  readonly main: HTMLElement;
  readonly details: HTMLElement;
  private readonly title = h('h1', { testId: 'card-title' }, 'Model Card');
  private readonly folder = h('p', { testId: 'card-folder', className: 'muted folder' });
  private readonly notice = h('p', { testId: 'card-notice', className: 'notice', hidden: true });
  private readonly stale: HTMLElement;
  private readonly error = h('p', { testId: 'card-error', className: 'error', hidden: true });
  private readonly problems = h('ul', { testId: 'card-problems', className: 'problems', hidden: true });
  private readonly source = h('span', { testId: 'card-source', className: 'muted' });
  private readonly markdown = h('article', { testId: 'card-markdown', className: 'markdown-body' });
  private readonly frontMatter = h('dl', { testId: 'front-matter', className: 'front-matter' });
  private readonly results = h('div', { testId: 'results' });
  private readonly curves = h('div', { testId: 'curves', className: 'curves' });
  private readonly charts: TrainingCharts;

  constructor(post: (message: ViewMessage) => void) {
    this.charts = new TrainingCharts(this.curves);
    this.stale = h(
      'p',
      { testId: 'card-stale', className: 'warning', hidden: true },
      'The run files changed after README.md was written. ',
      button('Regenerate README.md', () => post({ type: 'generate' }), { testId: 'stale-regenerate', secondary: true }),
    );
    this.header = h(
      'header',
      { className: 'card-header' },
      h(
        'div',
        { className: 'title-row' },
        this.title,
        h(
          'div',
          { className: 'actions' },
          button('Edit README.md', () => post({ type: 'edit' }), { testId: 'edit-readme' }),
          button('Regenerate', () => post({ type: 'generate' }), { testId: 'regenerate', secondary: true }),
          button('Refresh', () => post({ type: 'refresh' }), { testId: 'refresh', secondary: true }),
        ),
      ),
      this.folder,
      this.error,
      this.notice,
      this.stale,
    );
    this.main = h(
      'div',
      { className: 'card-main' },
      h('section', { className: 'panel-section' }, h('h2', {}, 'Training curves'), this.curves),
      h('section', { className: 'panel-section' }, h('h2', {}, 'Results ', h('span', { className: 'muted' }, '(from the run files)')), this.results),
      h('section', { className: 'panel-section' }, h('h2', {}, 'Model card ', this.source), this.markdown),
    );
    this.details = h('section', { className: 'panel-section', testId: 'metadata' }, h('h2', {}, 'Metadata'), this.problems, this.frontMatter);
  }

  render(card: CardContent): void {
    this.error.hidden = true;
    this.title.textContent = card.title;
    this.folder.textContent = card.jobName ? `${card.folder} (training job ${card.jobName})` : card.folder;
    this.folder.title = card.folder;
    this.notice.textContent = card.notice ?? '';
    this.notice.hidden = !card.notice;
    this.stale.hidden = !card.stale;
    this.source.textContent = `(${SOURCE_LABEL[card.readmeSource]})`;
    this.markdown.dataset.source = card.readmeSource;
    replaceChildren(this.problems, ...card.problems.map((p) => h('li', { testId: 'card-problem' }, p)));
    this.problems.hidden = card.problems.length === 0;
    replaceChildren(this.frontMatter, ...card.frontMatter.flatMap((f) => [h('dt', {}, f.key), h('dd', { attrs: { 'data-key': f.key } }, f.value)]));
    if (card.frontMatter.length === 0) replaceChildren(this.frontMatter, h('dd', { className: 'muted' }, 'No front matter.'));
    replaceChildren(this.results, ...(card.results.length > 0 ? card.results.map(resultsTable) : [h('p', { className: 'muted' }, 'No *_results.json in the folder.')]));
    this.charts.render(card.curves);
    this.markdown.replaceChildren(renderCardMarkdown(card.markdown));
  }

  renderError(folder: string, message: string): void {
    this.title.textContent = 'Model Card';
    this.folder.textContent = folder;
    this.error.textContent = message;
    this.error.hidden = false;
  }
}

function resultsTable(table: ResultsTable): HTMLElement {
  return h(
    'table',
    { className: 'results', testId: 'results-table', attrs: { 'data-split': table.split } },
    h('caption', {}, `${table.title} `, h('span', { className: 'muted' }, `(${table.file})`)),
    h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Metric'), h('th', { attrs: { scope: 'col' }, className: 'number' }, 'Value'))),
    h('tbody', {}, ...table.rows.map((r) => h('tr', {}, h('td', {}, r.metric), h('td', { className: 'number' }, r.value)))),
  );
}
