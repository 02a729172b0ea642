// The Model Card panel's inference test: a summarization of the page's text by a model on the Hub, through
// Hugging Face Inference Providers or the endpoint in the user's settings. One run at a time: a new run
// supersedes the last, and closing the panel cancels it.

import * as vscode from 'vscode';
import { hubRepoIdProblem } from '../../core/hubRepoId';
import type { HubSession } from '../../host/hubSession';
import { Setting } from '../../host/ids';
import type { Settings } from '../../host/settings';
import { MAX_INFERENCE_TEXT } from '../protocol';
import type { HostMessage, InferenceFailure, InferenceOutcome, InferenceRequest } from '../protocol';
import type { PanelPort } from './panelPort';

type InferenceState = { running: string } | { result: InferenceOutcome } | { error: InferenceFailure };

export interface InferenceTestDeps {
  port: PanelPort;
  hub: HubSession;
  settings: Settings;
}

export class InferenceTest {
  private state: InferenceState | undefined;
  private abort: AbortController | undefined;

  constructor(private readonly deps: InferenceTestDeps) {}

  snapshot(): HostMessage[] {
    if (!this.state) return [];
    if ('running' in this.state) return [{ type: 'inferenceRunning', model: this.state.running }];
    if ('result' in this.state) return [{ type: 'inferenceResult', result: this.state.result }];
    return [{ type: 'inferenceError', error: this.state.error }];
  }

  cancel(): void {
    this.abort?.abort();
  }

  /** The User settings at the endpoint setting: only the user's own settings can say where the token goes (a workspace value is ignored). */
  async configureEndpoint(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.openGlobalSettings', { query: Setting.inferenceEndpointUrl });
  }

  async run(request: InferenceRequest): Promise<void> {
    const { port, settings } = this.deps;
    const model = request.model.trim();
    const text = request.text;
    const fail = (error: Omit<InferenceFailure, 'model' | 'alternatives'> & { alternatives?: string[] }) => {
      const full: InferenceFailure = { model, alternatives: [], ...error };
      this.state = { error: full };
      port.post({ type: 'inferenceError', error: full });
    };
    // NAMESPACE/NAME, or a bare NAME as the Hub's oldest models have (gpt2, t5-small).
    const idProblem = model === '' ? 'Enter the model as NAMESPACE/NAME, e.g. your-user/bart-large-cnn-samsum.' : hubRepoIdProblem(model, { namespace: 'optional' });
    if (idProblem) {
      fail({ code: 'hub.repoNameInvalid', message: idProblem });
      return;
    }
    if (text.trim() === '' || text.length > MAX_INFERENCE_TEXT) {
      fail({ code: 'inference.textInvalid', message: text.trim() === '' ? 'Enter a text to summarize.' : `The text is longer than ${MAX_INFERENCE_TEXT} characters.` });
      return;
    }
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.state = { running: model };
    port.post({ type: 'inferenceRunning', model });
    const endpointUrl = settings.inferenceEndpointUrl;
    try {
      const token = await this.deps.hub.token();
      const { runSummarization } = require('../../hub/runSummarization') as typeof import('../../hub/runSummarization');
      const result = await runSummarization({
        model,
        text,
        signal: abort.signal,
        ...(token ? { accessToken: token.token } : {}),
        ...(settings.hubUrl ? { hubUrl: settings.hubUrl } : {}),
        ...(endpointUrl ? { endpointUrl } : {}),
      });
      if (abort.signal.aborted) return;
      const outcome: InferenceOutcome = { model, summary: result.summary, latencyMs: result.latencyMs, via: result.via };
      this.state = { result: outcome };
      port.post({ type: 'inferenceResult', result: outcome });
    } catch (err) {
      if (this.abort !== abort && abort.signal.aborted) return; // superseded by a newer run
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'inference.failed';
      const alternatives = (err as { alternatives?: unknown }).alternatives;
      if (code !== 'cancelled' && code !== 'hub.notDeployed') port.log.warn(`inference with ${model} failed:`, err);
      fail({
        code,
        message: err instanceof Error ? err.message : String(err),
        ...(Array.isArray(alternatives) ? { alternatives: alternatives.filter((a): a is string => typeof a === 'string') } : {}),
      });
    } finally {
      if (this.abort === abort) this.abort = undefined;
    }
  }
}
