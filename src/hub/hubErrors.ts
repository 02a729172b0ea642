// Typed failures of the Hub adapters. Messages say what to do next and never carry a token: every message
// goes through redactHubTokens, with the caller's token as a known secret.

import { redactHubTokens } from './hubToken';

export type HubErrorCode =
  | 'hub.tokenMissing'
  | 'hub.tokenMalformed'
  | 'hub.tokenRejected'
  | 'hub.forbidden'
  | 'hub.notFound'
  | 'hub.network'
  | 'hub.requestFailed'
  | 'hub.repoNameInvalid'
  | 'hub.folderUnreadable'
  | 'hub.folderEmpty'
  | 'hub.externalLinks'
  | 'hub.uploadFailed'
  | 'hub.notDeployed'
  | 'hub.inferenceFailed'
  | 'hub.inferenceUnavailable'
  /** Same code as the host's `Cancelled`, so one check ends a command quietly. */
  | 'cancelled';

export interface HubErrorContext {
  hubUrl?: string;
  repo?: string;
  namespace?: string;
  /** A file of the pushed folder, relative to it, when the failure is about that file. */
  file?: string;
  model?: string;
  status?: number;
  /** Network error code (ECONNREFUSED, ENOTFOUND, …). */
  cause?: string;
}

export class HubError extends Error {
  override readonly name: string = 'HubError';

  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly context: HubErrorContext = {},
  ) {
    super(message);
  }
}

/** The places a model can run when no Inference Provider serves it, in the order we suggest them. */
export const NOT_DEPLOYED_ALTERNATIVES = [
  'an endpoint URL you configure (a Hugging Face Inference Endpoint or any server that speaks the hf-inference API)',
  'a SageMaker endpoint deployed from the training job',
  'running the transformers summarization pipeline locally',
] as const;

/**
 * No Inference Provider serves the model: the usual state of a model that was just fine-tuned and pushed,
 * not a fault in the model or the token.
 */
export class NotDeployedError extends HubError {
  override readonly name = 'NotDeployedError';
  readonly alternatives: readonly string[] = NOT_DEPLOYED_ALTERNATIVES;

  constructor(model: string, detail?: string) {
    super(
      'hub.notDeployed',
      `No Inference Provider serves ${model}${detail ? ` (${detail})` : ''}. A freshly fine-tuned model is usually not deployed by any provider, ` +
        `so the Hub's hosted inference cannot run it. Try it instead through ${NOT_DEPLOYED_ALTERNATIVES.map((a, i) => `(${i + 1}) ${a}`).join(', ')}.`,
      { model },
    );
  }
}

export const SET_TOKEN_HINT = "set it again with 'SageMaker HF: Set Hugging Face Token' (the CLI reads HF_TOKEN)";

export interface HubFailureSituation {
  /** What we were doing, as the end of "while trying to …": "create the repository alice/bart". */
  action: string;
  hubUrl: string;
  repo?: string;
  namespace?: string;
  token?: string;
  signal?: AbortSignal;
}

/** The HTTP status and the server's own words from a @huggingface/hub HubApiError (duck-typed). */
export function hubApiFailure(err: unknown): { status: number; url: string; serverMessage: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { statusCode?: unknown; url?: unknown; data?: { error?: unknown; message?: unknown } };
  if (typeof e.statusCode !== 'number') return undefined;
  const fromBody = typeof e.data?.error === 'string' ? e.data.error : typeof e.data?.message === 'string' ? e.data.message : '';
  // Non-JSON bodies (S3's XML, HTML error pages) are summarised rather than quoted whole.
  const serverMessage = fromBody.trim().startsWith('<') ? xmlErrorMessage(fromBody) : fromBody || e.message.replace(/\. URL: .*$/s, '');
  return { status: e.statusCode, url: typeof e.url === 'string' ? e.url : '', serverMessage: serverMessage.slice(0, 500) };
}

function xmlErrorMessage(xml: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  return [code, message].filter(Boolean).join(': ') || 'storage error';
}

/** The network error code under a `fetch failed` TypeError (undici puts it on `cause`). */
export function networkFailureCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const cause = (err as Error & { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (err.name === 'TypeError' && /fetch failed|network|socket/i.test(err.message)) return 'network error';
  return undefined;
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR'));
}

/** Turns whatever a Hub call threw into a HubError with a message that says what to do. */
export function toHubError(err: unknown, situation: HubFailureSituation): HubError {
  const clean = (text: string) => redactHubTokens(text, [situation.token]);
  if (err instanceof HubError) return err;
  const ctx: HubErrorContext = {
    hubUrl: situation.hubUrl,
    ...(situation.repo ? { repo: situation.repo } : {}),
    ...(situation.namespace ? { namespace: situation.namespace } : {}),
  };
  if (isAbort(err, situation.signal)) return new HubError('cancelled', `Cancelled while trying to ${situation.action}.`, ctx);
  if (err instanceof TypeError && /must start with 'hf_'/.test(err.message)) {
    return new HubError('hub.tokenMalformed', `The Hugging Face token does not look like an access token (they start with "hf_"): ${SET_TOKEN_HINT}.`, ctx);
  }
  const api = hubApiFailure(err);
  if (api) {
    const withStatus = { ...ctx, status: api.status };
    if (api.status === 401) {
      return new HubError('hub.tokenRejected', clean(`Hugging Face token rejected: ${SET_TOKEN_HINT}. The Hub answered 401 while trying to ${situation.action}.`), withStatus);
    }
    if (api.status === 403) {
      const where = situation.namespace ? ` to the namespace "${situation.namespace}"` : '';
      return new HubError(
        'hub.forbidden',
        clean(
          `No write access${where} on the Hugging Face Hub (${api.serverMessage}). Use a token with the "write" role, and a namespace that is yours or an organisation where you can write.`,
        ),
        withStatus,
      );
    }
    if (api.status === 404) {
      return new HubError(
        'hub.notFound',
        clean(`The Hugging Face Hub found nothing to ${situation.action} (${api.serverMessage}). Check the repository name, and that the token can see it if it is private.`),
        withStatus,
      );
    }
    if (api.status >= 500) {
      return new HubError(
        'hub.requestFailed',
        clean(`The Hugging Face Hub could not ${situation.action} (HTTP ${api.status}: ${api.serverMessage}). It may be busy or down; try again later.`),
        withStatus,
      );
    }
    return new HubError('hub.requestFailed', clean(`The Hugging Face Hub refused to ${situation.action} (HTTP ${api.status}): ${api.serverMessage}`), withStatus);
  }
  const network = networkFailureCode(err);
  if (network) {
    return new HubError(
      'hub.network',
      clean(
        `Cannot reach the Hugging Face Hub at ${hostOf(situation.hubUrl)} (${network}) while trying to ${situation.action}. Check the network connection, proxy settings and hub URL.`,
      ),
      { ...ctx, cause: network },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new HubError('hub.requestFailed', clean(`Could not ${situation.action}: ${message}`), ctx);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
