/**
 * What a secret looks like, by name and by value: the one rule for every place that must not show,
 * send or copy one — the validator (hyperparameters, environment, git credentials), the request
 * builder (which refuses secret-looking hyperparameter values), Clone as Job File (which never copies
 * one), the model card and the Model Card panel (which redact them) and the Hub token redaction of
 * messages and logs. Where the copies this replaced disagreed, the strictest of them won: `auth` names
 * a secret, and a Hugging Face token is `hf_` (or the older `api_org_`) and 10 letters or digits.
 */

/** A key that names a secret: HF_TOKEN, hub_token, db_password, AWS_SECRET_ACCESS_KEY, api-key, use_auth… (not TOKENIZERS_PARALLELISM). */
export const SECRET_NAME = /(^|[_\-.])(token|password|passwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)($|[_\-.])|^(hf|hub)_?token$/i;

/** Hugging Face tokens (`hf_` + 34 characters; organisation API tokens `api_org_…`): from 10 on, so that even a cut token is caught while names like `hf_transfer` stay readable. */
const HUB_TOKEN_SOURCE = String.raw`\b(hf|api_org)_[A-Za-z0-9]{10}`;

/**
 * Hugging Face, GitHub, AWS access-key and GitLab token shapes, anywhere in a value, with what each is.
 * A minimum length is enough to find one (no open `{30,}`: V8 takes seconds over a megabyte-long match).
 */
export const SECRET_VALUE_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [new RegExp(HUB_TOKEN_SOURCE), 'a Hugging Face token'],
  [/\b(gh[pousr]_[A-Za-z0-9]{30}|github_pat_[A-Za-z0-9_]{22})/, 'a GitHub token'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bglpat-[A-Za-z0-9_-]{20}/, 'a GitLab token'],
];

/** What a value looks like when it looks like a known kind of secret ("a Hugging Face token"), else undefined. */
export function secretValueKind(value: string): string | undefined {
  return SECRET_VALUE_PATTERNS.find(([pattern]) => pattern.test(value))?.[1];
}

/** Whether a name/value pair must not be shown, sent or copied: the name names a secret, or the value looks like one. */
export function isSecretEntry(name: string, value?: string): boolean {
  return SECRET_NAME.test(name) || (value !== undefined && secretValueKind(value) !== undefined);
}

/** Every Hugging Face token in `text` masked as `hf_***` / `api_org_***`. */
export function maskHubTokens(text: string): string {
  return text.replace(new RegExp(`${HUB_TOKEN_SOURCE}[A-Za-z0-9]*`, 'g'), (_m, prefix: string) => `${prefix}_***`);
}
