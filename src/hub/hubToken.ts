// Where the Hugging Face token comes from, and how it is kept out of every string we show or log.

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

/** User access tokens (`hf_` + 34 characters) and the older organisation API tokens (`api_org_…`); at least 10 characters so that names like `hf_transfer` stay readable. */
const TOKEN_PATTERN = /\b(hf|api_org)_[A-Za-z0-9]{10,}/g;
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
  return out.replace(BEARER_PATTERN, 'Bearer ***').replace(TOKEN_PATTERN, (_m, prefix: string) => `${prefix}_***`);
}
