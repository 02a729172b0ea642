// Runs a summarization through @huggingface/inference: a dedicated endpoint when one is configured, else the
// Inference Providers router, which serves only the models some provider has deployed.

import {
  InferenceClient,
  InferenceClientHubApiError,
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
  PROVIDERS_OR_POLICIES,
  setLogger,
} from '@huggingface/inference';
import type { InferenceProviderOrPolicy } from '@huggingface/inference';
import { sleep } from '../core/sleep';
import { HubError, NotDeployedError, SET_TOKEN_HINT, isAbort, networkFailureCode } from './hubErrors';
import { redactHubTokens } from './hubToken';

export interface SummarizationOptions {
  /** Hub model id, e.g. `your-user/bart-large-cnn-samsum`. */
  model: string;
  text: string;
  accessToken?: string;
  /**
   * Where Hub API and router calls go instead of huggingface.co / router.huggingface.co (the client
   * hard-codes both; tests point this at the local emulator, which serves both).
   */
  hubUrl?: string;
  /** A dedicated endpoint speaking the hf-inference API; when set, `provider` is ignored and nothing is routed. */
  endpointUrl?: string;
  /** Default "auto": the first provider the Hub lists for the model. */
  provider?: InferenceProviderOrPolicy;
  signal?: AbortSignal;
  /** Attempts when the service answers 503 ("model is loading"). Default 3. */
  maxAttempts?: number;
  /** Wait between those attempts. Default 2000 ms. */
  retryDelayMs?: number;
}

export interface SummarizationResult {
  summary: string;
  /** Wall time of the whole call, provider lookup included, as the user waits for it. */
  latencyMs: number;
  /** "endpoint" or the provider asked for ("auto" when left to the Hub). */
  via: string;
}

/** The provider names the client knows, plus "auto". */
export const INFERENCE_PROVIDERS: readonly string[] = PROVIDERS_OR_POLICIES;

export function isInferenceProvider(name: string): name is InferenceProviderOrPolicy {
  return INFERENCE_PROVIDERS.includes(name);
}

const ROUTER_URL = 'https://router.huggingface.co';
const HUB_URL = 'https://huggingface.co';

let loggerQuieted = false;

/** The client logs its provider choice on every call through `console.log`; only warnings matter to us. */
function quietInferenceLogger(): void {
  if (loggerQuieted) return;
  loggerQuieted = true;
  const silent = () => undefined;
  setLogger({ debug: silent, info: silent, log: silent, warn: (...a: unknown[]) => console.warn(...a), error: (...a: unknown[]) => console.error(...a) });
}

export async function runSummarization(opts: SummarizationOptions): Promise<SummarizationResult> {
  quietInferenceLogger();
  const hubUrl = opts.hubUrl?.replace(/\/+$/, '');
  const redirect = (url: string) => (hubUrl ? url.replace(ROUTER_URL, hubUrl).replace(HUB_URL, hubUrl) : url);
  const client = new InferenceClient(opts.accessToken ?? '', {
    // The client's own 503 retry loops at once and without end; ours is bounded and spaced.
    retry_on_error: false,
    fetch: (input, init) => fetch(typeof input === 'string' ? redirect(input) : input, init),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const via = opts.endpointUrl ? 'endpoint' : (opts.provider ?? 'auto');
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const output = await client.summarization({
        model: opts.model,
        inputs: opts.text,
        ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : { provider: opts.provider ?? 'auto' }),
      });
      return { summary: output.summary_text, latencyMs: Math.round(performance.now() - started), via };
    } catch (err) {
      const status = err instanceof InferenceClientProviderApiError ? err.httpResponse.status : undefined;
      if (status === 503 && attempt < maxAttempts && !opts.signal?.aborted) {
        await sleep(opts.retryDelayMs ?? 2000, opts.signal);
        continue;
      }
      throw inferenceError(err, opts);
    }
  }
}

function inferenceError(err: unknown, opts: SummarizationOptions): HubError {
  const clean = (text: string) => redactHubTokens(text, [opts.accessToken]);
  const model = opts.model;
  const target = opts.endpointUrl ? `the endpoint ${opts.endpointUrl}` : `Inference Providers (${opts.provider ?? 'auto'})`;
  const ctx = { model, ...(opts.hubUrl ? { hubUrl: opts.hubUrl } : {}) };
  if (isAbort(err, opts.signal)) return new HubError('cancelled', `Summarization with ${model} cancelled.`, ctx);
  if (err instanceof InferenceClientInputError && /No Inference Provider available|not been able to find inference provider/i.test(err.message)) {
    return new NotDeployedError(model);
  }
  if (err instanceof InferenceClientHubApiError) {
    if (err.httpResponse.status === 404) return new NotDeployedError(model, 'the Hub shows no public model with that id; providers never serve private models');
    if (err.httpResponse.status === 401) return new HubError('hub.tokenRejected', `Hugging Face token rejected: ${SET_TOKEN_HINT}.`, { ...ctx, status: 401 });
    return new HubError('hub.inferenceFailed', clean(`Could not look up who serves ${model}: ${err.message}`), { ...ctx, status: err.httpResponse.status });
  }
  if (err instanceof InferenceClientProviderApiError) {
    const status = err.httpResponse.status;
    const withStatus = { ...ctx, status };
    if (status === 401) return new HubError('hub.tokenRejected', `Hugging Face token rejected by ${target}: ${SET_TOKEN_HINT}.`, withStatus);
    if (status === 404 && (!opts.endpointUrl || isRouterModelUrl(opts.endpointUrl))) return new NotDeployedError(model, 'the inference router answered 404');
    if (status === 404) return new HubError('hub.inferenceFailed', `${target} answered 404 Not Found: check the endpoint URL.`, withStatus);
    if (status === 503) {
      return new HubError('hub.inferenceUnavailable', `${target} is unavailable or still loading ${model} (HTTP 503). Try again in a minute.`, withStatus);
    }
    return new HubError('hub.inferenceFailed', clean(`${target} could not summarize with ${model} (HTTP ${status}): ${err.message}`), withStatus);
  }
  if (err instanceof InferenceClientProviderOutputError) {
    return new HubError('hub.inferenceFailed', `${target} answered, but not with a summary: is it serving a summarization model?`, ctx);
  }
  if (err instanceof InferenceClientInputError) return new HubError('hub.inferenceFailed', clean(err.message), ctx);
  const network = networkFailureCode(err);
  if (network) {
    return new HubError('hub.network', `Cannot reach ${target} (${network}). Check the network connection, proxy settings and URL.`, { ...ctx, cause: network });
  }
  return new HubError('hub.inferenceFailed', clean(`Summarization with ${model} failed: ${err instanceof Error ? err.message : String(err)}`), ctx);
}

/**
 * An endpoint URL that is really the router's per-model route (`…/hf-inference/models/NS/NAME`, or the
 * retired api-inference host): a 404 there means "no provider serves this model", not "wrong URL".
 */
function isRouterModelUrl(endpointUrl: string): boolean {
  try {
    const url = new URL(endpointUrl);
    return /^(router|api-inference)\.huggingface\.co$/.test(url.host) || /\/hf-inference\/models\/[^/]+\/[^/]+\/?$/.test(url.pathname);
  } catch {
    return false;
  }
}
