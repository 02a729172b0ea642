// The inference test: a model id and a text (the card's widget example to start with); the host runs the
// summarization (Inference Providers or the configured endpoint) and the page shows the summary and the
// latency, or, when no provider serves the model, says so and lists where else it can run.

import { Setting } from '../../host/ids';
import { MAX_INFERENCE_TEXT } from '../protocol';
import type { InferenceFailure, InferenceOutcome, InferenceRequest, ViewMessage } from '../protocol';
import { button, h, replaceChildren } from './dom';

export class InferenceView {
  readonly element: HTMLElement;
  private readonly model = h('input', {
    testId: 'inference-model',
    attrs: { id: 'inference-model', autocomplete: 'off', spellcheck: 'false', placeholder: 'namespace/model-name' },
  });
  private readonly text = h('textarea', { testId: 'inference-text', attrs: { id: 'inference-text', rows: '8', maxlength: String(MAX_INFERENCE_TEXT) } });
  private readonly runButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly output = h('div', { testId: 'inference-output', className: 'inference-output', hidden: true });
  private modelEdited = false;
  private textEdited = false;

  constructor(
    private readonly post: (message: ViewMessage) => void,
    private readonly onChange: (request: InferenceRequest) => void,
    restored: InferenceRequest | undefined,
  ) {
    this.runButton = button('Summarize', () => this.run(), { testId: 'inference-run' });
    this.cancelButton = button('Cancel', () => post({ type: 'cancelInference' }), { testId: 'inference-cancel', secondary: true, hidden: true });
    if (restored) {
      this.model.value = restored.model;
      this.text.value = restored.text;
      this.modelEdited = restored.model !== '';
      this.textEdited = restored.text !== '';
    }
    this.model.addEventListener('input', () => {
      this.modelEdited = true;
      this.onChange(this.request());
    });
    this.text.addEventListener('input', () => {
      this.textEdited = true;
      this.onChange(this.request());
    });
    this.element = h(
      'section',
      { className: 'panel-section', testId: 'inference' },
      h('h2', {}, 'Try it'),
      h(
        'p',
        { className: 'muted' },
        `Runs a summarization through Hugging Face Inference Providers, or the endpoint set in your user setting "${Setting.inferenceEndpointUrl}" (a workspace cannot set it: your token goes there).`,
      ),
      h('label', { attrs: { for: 'inference-model' } }, 'Model'),
      this.model,
      h('label', { attrs: { for: 'inference-text' } }, 'Text'),
      this.text,
      h('div', { className: 'actions' }, this.runButton, this.cancelButton),
      this.output,
    );
  }

  /** Follows the pushed (or about to be pushed) repository until the user types a model of their own. */
  suggestModel(model: string | undefined): void {
    if (!this.modelEdited && model) this.model.value = model;
  }

  /** The card's widget example, until the user types a text of their own. */
  suggestText(text: string | undefined): void {
    if (!this.textEdited && text !== undefined) this.text.value = text;
  }

  setRunning(model: string): void {
    this.setBusy(true);
    this.output.hidden = false;
    this.output.dataset.state = 'running';
    replaceChildren(this.output, h('p', { className: 'muted', testId: 'inference-running' }, `Running ${model}…`));
  }

  setResult(result: InferenceOutcome): void {
    this.setBusy(false);
    this.output.hidden = false;
    this.output.dataset.state = 'succeeded';
    replaceChildren(
      this.output,
      h('p', { className: 'summary', testId: 'inference-summary' }, result.summary),
      h(
        'p',
        { className: 'muted', testId: 'inference-latency', attrs: { 'data-latency-ms': String(result.latencyMs) } },
        `${result.latencyMs} ms, ${result.via === 'endpoint' ? 'through the configured endpoint' : `Inference Providers (${result.via})`}, ${result.model}`,
      ),
    );
  }

  setError(error: InferenceFailure): void {
    this.setBusy(false);
    this.output.hidden = false;
    this.output.dataset.state = error.code === 'cancelled' ? 'cancelled' : 'failed';
    const notDeployed = error.code === 'hub.notDeployed';
    replaceChildren(
      this.output,
      h('p', { className: notDeployed || error.code === 'cancelled' ? 'warning' : 'error', testId: 'inference-error', attrs: { 'data-code': error.code } }, error.message),
      error.alternatives.length > 0 && h('p', {}, 'Ways to try it instead:'),
      error.alternatives.length > 0 && h('ol', { testId: 'inference-alternatives' }, ...error.alternatives.map((a) => h('li', {}, a))),
      notDeployed && button('Configure an endpoint URL', () => this.post({ type: 'configureEndpoint' }), { testId: 'inference-configure-endpoint', secondary: true }),
    );
  }

  private setBusy(busy: boolean): void {
    this.runButton.disabled = busy;
    this.cancelButton.hidden = !busy;
  }

  private request(): InferenceRequest {
    return { model: this.model.value.trim(), text: this.text.value };
  }

  private run(): void {
    const request = this.request();
    if (request.model === '' || request.text.trim() === '') {
      this.setError({
        model: request.model,
        code: 'inference.incomplete',
        message: request.model === '' ? 'Enter a model id (namespace/name).' : 'Enter a text to summarize.',
        alternatives: [],
      });
      return;
    }
    this.post({ type: 'infer', request });
  }
}
