// Push to Hub: the form (namespace from whoAmI, name, visibility, commit message), the token status,
// progress per phase and per large file, and the repository URL at the end. The page never sees the
// token: it asks the host, which pushes.

import { formatBytes } from '../../core/format';
import { repoIdProblem } from '../../core/hubRepoId';
import { PUSH_PHASES } from '../protocol';
import type { PhaseState, PushDefaults, PushFailure, PushOutcome, PushPhase, PushRequest, PushStatus, TokenStatus, ViewMessage } from '../protocol';
import { button, externalLink, h, replaceChildren } from './dom';

const PHASE_LABEL: Record<PushPhase, string> = {
  preuploading: 'Check which files need large-file storage',
  uploadingLargeFiles: 'Upload large files (LFS)',
  committing: 'Commit',
};

type Field = 'namespace' | 'name' | 'private' | 'commitMessage';

export class PushView {
  readonly element: HTMLElement;
  private readonly tokenLine = h('p', { testId: 'token-status', className: 'token-status' });
  private readonly setTokenButton: HTMLButtonElement;
  private readonly namespace = h('input', { testId: 'push-namespace', attrs: { id: 'push-namespace', list: 'push-namespaces', autocomplete: 'off', spellcheck: 'false' } });
  private readonly namespaces = h('datalist', { attrs: { id: 'push-namespaces' } });
  private readonly name = h('input', { testId: 'push-name', attrs: { id: 'push-name', autocomplete: 'off', spellcheck: 'false' } });
  private readonly isPrivate = h('input', { testId: 'push-private', attrs: { id: 'push-private', type: 'checkbox' } });
  private readonly commitMessage = h('input', { testId: 'push-commit-message', attrs: { id: 'push-commit-message', autocomplete: 'off' } });
  private readonly validation = h('p', { testId: 'push-validation', className: 'validation', hidden: true });
  private readonly pushButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly progress = h('div', { testId: 'push-progress', className: 'push-progress', hidden: true });
  private readonly outcome = h('div', { testId: 'push-outcome', className: 'push-outcome', hidden: true });
  /** Fields the user typed in (or restored from state): defaults no longer overwrite them. */
  private readonly edited = new Set<Field>();
  private running = false;

  constructor(
    private readonly post: (message: ViewMessage) => void,
    private readonly onChange: (request: PushRequest) => void,
    restored: PushRequest | undefined,
  ) {
    this.setTokenButton = button('Set Hugging Face Token', () => post({ type: 'setToken' }), { testId: 'set-token', secondary: true, hidden: true });
    this.pushButton = button('Push to Hub', () => this.submit(), { testId: 'push-submit' });
    this.cancelButton = button('Cancel', () => post({ type: 'cancelPush' }), { testId: 'push-cancel', secondary: true, hidden: true });
    this.isPrivate.checked = true;
    this.commitMessage.placeholder = 'Upload model fine-tuned on Amazon SageMaker';
    this.name.placeholder = 'bart-large-cnn-samsum';
    this.namespace.placeholder = 'your user or organisation';
    if (restored) {
      this.namespace.value = restored.namespace;
      this.name.value = restored.name;
      this.isPrivate.checked = restored.private;
      this.commitMessage.value = restored.commitMessage;
      for (const f of ['namespace', 'name', 'private', 'commitMessage'] as const) this.edited.add(f);
    }
    const track = (field: Field, input: HTMLInputElement) =>
      input.addEventListener(input.type === 'checkbox' ? 'change' : 'input', () => {
        this.edited.add(field);
        this.validate();
        this.onChange(this.request());
      });
    track('namespace', this.namespace);
    track('name', this.name);
    track('private', this.isPrivate);
    track('commitMessage', this.commitMessage);

    const label = (forId: string, text: string) => h('label', { attrs: { for: forId } }, text);
    this.element = h(
      'section',
      { className: 'panel-section', testId: 'push' },
      h('h2', {}, 'Push to Hub'),
      h('div', { className: 'token-row' }, this.tokenLine, this.setTokenButton),
      h(
        'div',
        { className: 'form-grid', testId: 'push-form' },
        label('push-namespace', 'Namespace'),
        h('div', {}, this.namespace, this.namespaces),
        label('push-name', 'Repository'),
        this.name,
        h('span', {}),
        h('label', { className: 'checkbox' }, this.isPrivate, ' Private repository'),
        label('push-commit-message', 'Commit message'),
        this.commitMessage,
      ),
      this.validation,
      h('div', { className: 'actions' }, this.pushButton, this.cancelButton),
      this.progress,
      this.outcome,
    );
  }

  /** The repository id typed in the form, when it is a valid one. */
  repoId(): string | undefined {
    const r = this.request();
    return repoIdProblem(r.namespace, r.name) ? undefined : `${r.namespace}/${r.name}`;
  }

  setDefaults(defaults: PushDefaults): void {
    replaceChildren(this.namespaces, ...defaults.namespaces.map((n) => h('option', { attrs: { value: n } })));
    if (!this.edited.has('namespace') && defaults.namespaces[0] !== undefined) this.namespace.value = defaults.namespaces[0];
    if (!this.edited.has('name')) this.name.value = defaults.name;
    if (!this.edited.has('private')) this.isPrivate.checked = defaults.private;
    if (!this.edited.has('commitMessage')) this.commitMessage.value = defaults.commitMessage;
    this.validate();
  }

  setToken(status: TokenStatus): void {
    let text: string;
    if (!status.set) text = 'No Hugging Face token: set one to push (it is kept in the OS keychain).';
    else {
      const from = status.source === 'HF_TOKEN' ? 'from HF_TOKEN' : 'stored in the OS keychain';
      text = `Hugging Face token ${from}${status.account ? `, for ${status.account}` : ''}.`;
      if (status.problem) text += ` ${status.problem}`;
    }
    this.tokenLine.textContent = text;
    this.tokenLine.dataset.state = !status.set ? 'missing' : status.problem ? 'problem' : 'ok';
    this.setTokenButton.hidden = status.set && !status.problem;
  }

  setProgress(status: PushStatus): void {
    this.running = status.state === 'running';
    this.pushButton.disabled = this.running;
    this.cancelButton.hidden = !this.running;
    this.progress.hidden = false;
    this.progress.dataset.state = status.state;
    if (this.running) this.outcome.hidden = true;
    const steps: HTMLElement[] = [];
    if (status.listed) {
      const skipped = status.listed.skipped.length > 0 ? `; left out: ${status.listed.skipped.join(', ')}` : '';
      steps.push(h('li', { testId: 'push-listed' }, `${status.listed.files} files, ${formatBytes(status.listed.bytes)}${skipped}`));
    }
    if (status.created !== undefined) {
      steps.push(h('li', { testId: 'push-repo' }, status.created ? `Created ${status.repo}` : `${status.repo} exists; pushing a new commit to it`));
    }
    for (const phase of PUSH_PHASES) steps.push(phaseRow(phase, status.phases[phase], status.state));
    const files = status.files.map((f) =>
      h(
        'li',
        { testId: 'push-file', attrs: { 'data-path': f.path, 'data-state': f.state } },
        h('span', { className: 'file-path' }, f.path),
        h(
          'span',
          { className: 'muted' },
          `${f.state === 'uploading' && f.progress >= 1 ? ' uploaded' : ` ${f.state} ${Math.round(f.progress * 100)}%`}${f.retry ? ` · ${f.retry}` : ''}`,
        ),
        progressBar(f.progress),
      ),
    );
    replaceChildren(
      this.progress,
      h(
        'p',
        { className: 'progress-title' },
        `${status.state === 'running' ? 'Pushing to' : status.state === 'succeeded' ? 'Pushed to' : status.state === 'cancelled' ? 'Cancelled push to' : 'Failed push to'} ${status.repo}`,
      ),
      h('ol', { className: 'push-steps' }, ...steps),
      files.length > 0 && h('h3', {}, 'Large files'),
      files.length > 0 && h('ul', { className: 'push-files' }, ...files),
    );
  }

  setResult(result: PushOutcome): void {
    this.running = false;
    this.pushButton.disabled = false;
    this.cancelButton.hidden = true;
    this.outcome.hidden = false;
    this.outcome.dataset.state = 'succeeded';
    const skipped = result.skipped.length > 0 ? ` Left out: ${result.skipped.join(', ')}.` : '';
    replaceChildren(
      this.outcome,
      h(
        'p',
        { testId: 'push-result' },
        `Pushed ${result.files} files to `,
        externalLink(result.repoUrl, result.repo, 'push-repo-url'),
        result.created ? ' (new repository).' : '.',
        skipped,
      ),
      h('p', { className: 'muted' }, 'Commit: ', externalLink(result.commitUrl, result.commitUrl, 'push-commit-url')),
    );
  }

  setError(error: PushFailure): void {
    this.running = false;
    this.pushButton.disabled = false;
    this.cancelButton.hidden = true;
    this.outcome.hidden = false;
    this.outcome.dataset.state = error.code === 'cancelled' ? 'cancelled' : 'failed';
    replaceChildren(
      this.outcome,
      h('p', { testId: 'push-error', className: error.code === 'cancelled' ? 'muted' : 'error', attrs: { 'data-code': error.code } }, error.message),
      error.offerSetToken && button('Set Hugging Face Token', () => this.post({ type: 'setToken' }), { testId: 'push-error-set-token' }),
    );
  }

  private request(): PushRequest {
    return { namespace: this.namespace.value.trim(), name: this.name.value.trim(), private: this.isPrivate.checked, commitMessage: this.commitMessage.value };
  }

  private validate(): boolean {
    const r = this.request();
    const problem = r.namespace === '' && r.name === '' ? undefined : repoIdProblem(r.namespace, r.name);
    this.validation.textContent = problem ?? '';
    this.validation.hidden = problem === undefined;
    return problem === undefined && r.namespace !== '' && r.name !== '';
  }

  private submit(): void {
    if (this.running) return;
    const r = this.request();
    const problem = repoIdProblem(r.namespace, r.name);
    if (problem) {
      this.validation.textContent = problem;
      this.validation.hidden = false;
      return;
    }
    this.post({ type: 'push', request: r });
  }
}

function phaseRow(phase: PushPhase, state: PhaseState, pushState: PushStatus['state']): HTMLElement {
  // An active phase of a push that ended without finishing is where it stopped.
  const shown = state === 'active' && pushState !== 'running' ? 'stopped' : state;
  const bar = state === 'done' ? progressBar(1) : state === 'active' && pushState === 'running' ? progressBar(undefined) : progressBar(0);
  return h(
    'li',
    { testId: 'push-phase', attrs: { 'data-phase': phase, 'data-state': shown } },
    h('span', {}, PHASE_LABEL[phase]),
    h('span', { className: 'muted' }, ` ${shown}`),
    bar,
  );
}

/** A native <progress>: indeterminate without a value. No inline style is needed to draw it. */
function progressBar(value: number | undefined): HTMLProgressElement {
  const bar = h('progress', { attrs: { max: '1' } });
  if (value !== undefined) bar.value = Math.max(0, Math.min(1, value));
  return bar;
}
