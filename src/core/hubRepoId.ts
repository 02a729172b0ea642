/**
 * The Hugging Face Hub's repository id rule, as huggingface_hub's `validate_repo_id` enforces it
 * (the JavaScript client only checks for `namespace/name`): `name` or `namespace/name`; each part
 * letters, digits, `-`, `_` and `.`, starting and ending with a letter, digit or `_`; no `--` or `..`;
 * the name at most 96 characters; the id not ending in `.git`. The namespace is held to 96 characters
 * as well (the webview protocol's bound; real user and organisation names are far shorter).
 *
 * Used wherever an id is typed or read: the push form (as you type, and again in the host), Push to
 * Hub and `sagemaker-hf push`, `sagemaker-hf card --repo-id`, the inference test's model, and the
 * model card's Hub links, `base_model` and `datasets`.
 */

export const MAX_HUB_NAME_LENGTH = 96;

const ALLOWED = /^[A-Za-z0-9_.-]*$/;
const WORD_CHAR = /[A-Za-z0-9_]/;

/** Why one part (namespace or name) is not valid, or undefined. `label` names it in the message. */
function partProblem(label: 'namespace' | 'name', value: string): string | undefined {
  const quoted = JSON.stringify(value);
  if (value === '') return label === 'namespace' ? 'Choose a namespace: your user name or one of your organisations.' : 'Enter a repository name.';
  const bad = [...value].find((c) => !ALLOWED.test(c));
  if (bad !== undefined) return `The ${label} ${quoted} is not valid on the Hub: ${JSON.stringify(bad)} is not allowed (use letters, digits, "-", "_" and ".").`;
  if (!WORD_CHAR.test(value[0]!) || !WORD_CHAR.test(value[value.length - 1]!)) {
    return `The ${label} ${quoted} is not valid on the Hub: it must start and end with a letter, a digit or "_", not "-" or ".".`;
  }
  if (value.includes('--') || value.includes('..')) return `The ${label} ${quoted} is not valid on the Hub: "--" and ".." are not allowed.`;
  if (value.length > MAX_HUB_NAME_LENGTH) return `The ${label} ${quoted} is not valid on the Hub: it has ${value.length} characters, at most ${MAX_HUB_NAME_LENGTH} are allowed.`;
  return undefined;
}

/**
 * Why `namespace` and `name`, as a form has them, do not make a Hub repository id; undefined when they
 * do. Both are required.
 */
export function repoIdProblem(namespace: string, name: string): string | undefined {
  if (namespace.trim() === '') return partProblem('namespace', '');
  if (name.trim() === '') return partProblem('name', '');
  const problem = partProblem('namespace', namespace) ?? partProblem('name', name);
  if (problem) return problem;
  if (name.endsWith('.git')) return `The name ${JSON.stringify(name)} is not valid on the Hub: it cannot end in ".git".`;
  return undefined;
}

/**
 * Why `id` is not a Hub repository id, or undefined. `namespace: 'required'` (creating or pushing a
 * repository) refuses a bare name; `'optional'` (reading one: the Hub's oldest models and datasets,
 * `gpt2`, `samsum`, have no namespace) accepts it.
 */
export function hubRepoIdProblem(id: string, options: { namespace: 'required' | 'optional' }): string | undefined {
  const parts = id.split('/');
  if (parts.length > 2) return `${JSON.stringify(id)} is not a Hub repository id: use NAMESPACE/NAME, with one "/".`;
  if (parts.length === 1) {
    if (options.namespace === 'required') return `${JSON.stringify(id)} is not a Hub repository id: use NAMESPACE/NAME, e.g. your-user/bart-large-cnn-samsum.`;
    return partProblem('name', id) ?? (id.endsWith('.git') ? `The name ${JSON.stringify(id)} is not valid on the Hub: it cannot end in ".git".` : undefined);
  }
  return repoIdProblem(parts[0]!, parts[1]!);
}

export function isHubRepoId(id: string, options: { namespace: 'required' | 'optional' }): boolean {
  return hubRepoIdProblem(id, options) === undefined;
}

/**
 * Text made into a valid repository name (or '' when nothing is left): runs of other characters become
 * `-`, `--` and `..` are collapsed, the ends trimmed to a letter or digit, at most 96 characters, no
 * `.git` at the end.
 */
export function toHubRepoName(text: string): string {
  const trimEnds = (s: string) => s.replace(/^[-._]+|[-._]+$/g, '');
  let name = trimEnds(
    text
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/\.{2,}/g, '.'),
  );
  name = trimEnds(name.slice(0, MAX_HUB_NAME_LENGTH));
  while (name.toLowerCase().endsWith('.git')) name = trimEnds(name.slice(0, -4));
  return name;
}
