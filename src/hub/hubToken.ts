// Where the Hugging Face token comes from, and how it is kept out of every string we show or log.
import { maskHubTokens } from '../core/sagemaker/secrets';

export type HubTokenSource = 'secretStorage' | 'HF_TOKEN';

export interface HubToken {
  token: string;
  source: HubTokenSource;
}

/**
 * The token to use: the one the user stored in the editor (SecretStorage) first, else the `HF_TOKEN`
 * environment variable that huggingface_hub and the `hf` CLI also read. Blank values count as absent.
 */
export function resolveHubToken(opts: { stored?: string; env: NodeJS.ProcessEnv }): HubToken | undefined {
  const stored = opts.stored?.trim();
  if (stored) return { token: stored, source: 'secretStorage' };
  const fromEnv = opts.env.HF_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'HF_TOKEN' };
  return undefined;
}

const BEARER_PATTERN = /\bBearer\s+[^\s"',;]+/gi;

/**
 * Masks Hugging Face tokens in any text (messages, logs, serialized errors): everything shaped like a token,
 * every `Bearer …` credential, and the exact `known` secrets even when they do not look like tokens.
 */
export function redactHubTokens(text: string, known: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return maskHubTokens(out.replace(BEARER_PATTERN, 'Bearer ***'));
}
