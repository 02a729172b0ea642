/**
 * What a secret looks like, by name and by value: one rule for the validator (hyperparameters,
 * environment), the request builder (which refuses secret-looking hyperparameter values) and the
 * job file cloned from a described job (which never copies one).
 */

/** A key that names a secret: HF_TOKEN, hub_token, db_password, AWS_SECRET_ACCESS_KEY, api-key… (not TOKENIZERS_PARALLELISM). */
export const SECRET_NAME = /(^|[_\-.])(token|password|passwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)($|[_\-.])|^(hf|hub)_?token$/i;

/**
 * Hugging Face, GitHub, AWS access-key and GitLab token shapes, anywhere in a value, with what each is. A minimum
 * length is enough to find one (no open `{30,}`: V8 takes seconds over a megabyte-long match).
 */
export const SECRET_VALUE_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bhf_[A-Za-z0-9]{30}/, 'a Hugging Face token'],
  [/\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22})/, 'a GitHub token'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bglpat-[A-Za-z0-9_-]{20}/, 'a GitLab token'],
];

/** What a value looks like when it looks like a known kind of secret ("a Hugging Face token"), else undefined. */
export function secretValueKind(value: string): string | undefined {
  return SECRET_VALUE_PATTERNS.find(([pattern]) => pattern.test(value))?.[1];
}
