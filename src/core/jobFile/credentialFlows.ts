/**
 * Where the secrets a job file names go ("credential flows"), and the rules that keep them from going
 * anywhere else. Pure: the validator, `plan` and the editor's preview, launch, local runs and the git
 * checkout all ask this module, so they agree.
 *
 * A job file names a secret only as a `${env:NAME}` reference, resolved from the launching machine's
 * environment when the job is launched (or run locally):
 * - `git_config.token`, `password`, `username`: git, on this machine, sends them to the repository's
 *   host as HTTP Basic authentication (src/source/gitSource.ts); nothing of them reaches SageMaker;
 * - `environment.KEY`: sent to SageMaker in CreateTrainingJob.Environment, where the training
 *   container reads it (and where DescribeTrainingJob shows it to whoever may describe the job).
 *
 * Refused, because a job file may come from someone else's repository:
 * - a git credential over plain `http://` to a host other than this machine (the secret would cross
 *   the network in clear; loopback addresses never leave the machine);
 * - a git credential taken from a variable that holds another service's secret (`AWS_*`, `HF_TOKEN`,
 *   …): `token: ${env:AWS_SECRET_ACCESS_KEY}` with a repo URL of the file author's choosing would
 *   otherwise post the user's AWS key to that author's server;
 * - a password (or a token as the user name) written into the repository URL, the same as a literal
 *   `password:`.
 */
import type { JsonPath } from './jobDocument';
import { SECRET_NAME, secretValueKind } from '../sagemaker/secrets';
import { TrainingPlanError } from '../training/trainingPlanError';

/** Where `${env:NAME}` references are looked up: process.env, or a test's or the CLI's environment. */
export type EnvLookup = Readonly<Record<string, string | undefined>>;

/** A whole value `${env:NAME}`; nothing else is expanded (not a reference inside a longer value). */
export const ENV_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The variable a value refers to when it is `${env:NAME}`, else undefined. */
export function envReference(value: unknown): string | undefined {
  return typeof value === 'string' ? ENV_REFERENCE.exec(value)?.[1] : undefined;
}

/**
 * Variables that hold another service's secret, never a git host's: what each is, for messages.
 * Names compare case-insensitively (Windows' environment does).
 */
const FOREIGN_SECRETS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^AWS_/i, 'an AWS credential or setting'],
  [/^(HF_TOKEN|HUGGING_FACE_HUB_TOKEN|HF_API_TOKEN|HF_HUB_TOKEN)$/i, 'your Hugging Face token'],
  [/^WANDB_API_KEY$/i, 'your Weights & Biases API key'],
];

/** What the variable holds when it is another service's secret (so never a git credential), else undefined. */
export function foreignSecretVariable(name: string): string | undefined {
  return FOREIGN_SECRETS.find(([pattern]) => pattern.test(name))?.[1];
}

/** AWS's own credential variables: a training job has its role's credentials and needs none of these. */
const AWS_CREDENTIAL_VARIABLES = /^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN)$/i;

// ---------------------------------------------------------------------------------------------
// git_config
// ---------------------------------------------------------------------------------------------

/** What git_config.repo says about where credentials would go. */
export interface GitRemoteTarget {
  /** `https`, `http`, `ssh`, or the URL's other scheme, lowercase; '' when it has none. */
  scheme: string;
  /** `host[:port]` git connects to, as a URL parser reads it (a `github.com@evil.example` trick shows evil.example). */
  host?: string;
  /** Whether `host` is this machine (localhost, 127.0.0.0/8, ::1): plain http to it never leaves the machine. */
  loopback: boolean;
  /** Whether git sends Basic credentials to it: an http(s) URL that parses. SSH uses the agent and keys instead. */
  sendsBasicAuth: boolean;
  /** The URL's `user@`, decoded (http(s) URLs). Not a secret. */
  urlUser?: string;
  /** The URL's `:password@`, decoded (http(s) URLs). Never shown; the validator refuses it. */
  urlPassword?: string;
  /** The `scheme://host/` git credentials are scoped to (http(s) URLs). */
  origin?: string;
  /** The URL without `user:password@`. */
  urlWithoutCredentials: string;
}

export function gitRemoteTarget(repo: string): GitRemoteTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(repo)?.[1]?.toLowerCase() ?? '';
  const urlWithoutCredentials = repo.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
  if (scheme === 'https' || scheme === 'http') {
    let url: URL;
    try {
      url = new URL(repo);
    } catch {
      return { scheme, loopback: false, sendsBasicAuth: false, urlWithoutCredentials };
    }
    const target: GitRemoteTarget = {
      scheme,
      host: url.host,
      loopback: isLoopback(url.hostname),
      sendsBasicAuth: true,
      origin: `${url.protocol}//${url.host}/`,
      urlWithoutCredentials,
    };
    if (url.username) target.urlUser = decode(url.username);
    if (url.password) target.urlPassword = decode(url.password);
    return target;
  }
  // ssh://[user@]host[:port]/path, or scp-like [user@]host:path.
  const ssh = scheme === 'ssh' ? /^ssh:\/\/(?:[^@/]*@)?([^/:]+)/i.exec(repo) : scheme === '' ? /^(?:[^@/:]*@)?([^/:\s]+):(?!\/\/)/.exec(repo) : null;
  const host = ssh?.[1]?.toLowerCase();
  return { scheme: scheme || (host ? 'ssh' : ''), ...(host ? { host } : {}), loopback: host ? isLoopback(host) : false, sendsBasicAuth: false, urlWithoutCredentials };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::1';
}

const GIT_CREDENTIAL_KEYS = ['token', 'username', 'password'] as const;
export type GitCredentialKey = (typeof GIT_CREDENTIAL_KEYS)[number];

/**
 * The git_config keys whose values git sends, as gitSource.ts sends them: the token, else the
 * password (or the URL's password), as an `Authorization: Basic` header to http(s) URLs only, with
 * `username` (else the URL's user, else `x-access-token` for a token) as the user name.
 */
export function sentGitCredentialKeys(git: unknown): GitCredentialKey[] {
  const g = record(git);
  if (!g || typeof g['repo'] !== 'string') return [];
  const target = gitRemoteTarget(g['repo']);
  if (!target.sendsBasicAuth) return [];
  const given = (key: GitCredentialKey) => typeof g[key] === 'string' && g[key] !== '';
  const secret: GitCredentialKey | undefined = given('token') ? 'token' : given('password') ? 'password' : undefined;
  if (!secret && target.urlPassword === undefined) return [];
  return [...(secret ? [secret] : []), ...(given('username') ? (['username'] as const) : [])];
}

// ---------------------------------------------------------------------------------------------
// Flows: what plan and the preview list
// ---------------------------------------------------------------------------------------------

/** One `${env:NAME}` value and where it is sent. */
export interface CredentialFlow {
  /** `git_config.token`, `environment.HF_TOKEN`. */
  key: string;
  path: JsonPath;
  /** The environment variable read on the launching machine. */
  variable: string;
  /** The git host (`github.com`) or `SageMaker`. */
  to: string;
  /** How it travels. */
  via: string;
}

/** `git_config.password ← $GIT_TOKEN → github.com`: names the variable, never its value. */
export function describeCredentialFlow(flow: CredentialFlow): string {
  return `${flow.key} ← $${flow.variable} → ${flow.to}`;
}

/** The `${env:NAME}` credentials git sends, and to which host. */
export function gitCredentialFlows(git: unknown): CredentialFlow[] {
  const g = record(git);
  if (!g || typeof g['repo'] !== 'string') return [];
  const target = gitRemoteTarget(g['repo']);
  const flows: CredentialFlow[] = [];
  for (const key of sentGitCredentialKeys(g)) {
    const variable = envReference(g[key]);
    if (variable)
      flows.push({
        key: `git_config.${key}`,
        path: ['git_config', key],
        variable,
        to: target.host ?? g['repo'],
        via: `sent by git from this machine over ${target.scheme}, as Basic authentication`,
      });
  }
  return flows;
}

/** Each `environment` value written `${env:NAME}`: expanded at launch, sent to SageMaker. */
export function environmentFlows(environment: unknown): CredentialFlow[] {
  const env = record(environment);
  if (!env) return [];
  const flows: CredentialFlow[] = [];
  for (const [key, value] of Object.entries(env)) {
    const variable = envReference(value);
    if (variable)
      flows.push({
        key: `environment.${key}`,
        path: ['environment', key],
        variable,
        to: 'SageMaker',
        via: 'sent in CreateTrainingJob.Environment, which DescribeTrainingJob shows',
      });
  }
  return flows;
}

/** Every credential flow of a job file: git's first, then the environment's. */
export function credentialFlows(spec: { git_config?: unknown; environment?: unknown }): CredentialFlow[] {
  return [...gitCredentialFlows(spec.git_config), ...environmentFlows(spec.environment)];
}

// ---------------------------------------------------------------------------------------------
// Problems: what the validator reports
// ---------------------------------------------------------------------------------------------

export interface CredentialProblem {
  severity: 'error' | 'warning';
  code: string;
  path: JsonPath;
  on: 'key' | 'value';
  message: string;
}

/** A password in git_config.repo, a credential over plain http, another service's secret sent to a git host. */
export function gitCredentialProblems(git: unknown): CredentialProblem[] {
  const g = record(git);
  if (!g || typeof g['repo'] !== 'string') return [];
  const target = gitRemoteTarget(g['repo']);
  const host = target.host ?? 'the repository host';
  const problems: CredentialProblem[] = [];
  // GitHub and GitLab also take a token as the URL's user name (https://ghp_…@github.com/…).
  const userKind = target.urlUser === undefined ? undefined : secretValueKind(target.urlUser);
  if (target.urlPassword !== undefined || userKind) {
    problems.push({
      severity: 'error',
      code: 'git.literalSecret',
      path: ['git_config', 'repo'],
      on: 'value',
      message: userKind
        ? `Don't write a token into git_config.repo: its user name looks like ${userKind}, and the URL sits in the job file in clear. Remove \`token@\` from it and reference an environment variable instead, e.g. token: \${env:GIT_TOKEN}.`
        : "Don't write a password into git_config.repo: the URL sits in the job file in clear. Remove `user:password@` from it and reference an environment variable instead, e.g. password: ${env:GIT_PASSWORD}.",
    });
  }
  for (const key of GIT_CREDENTIAL_KEYS) {
    const variable = envReference(g[key]);
    const foreign = variable === undefined ? undefined : foreignSecretVariable(variable);
    if (variable !== undefined && foreign) {
      problems.push({
        severity: 'error',
        code: 'git.foreignSecret',
        path: ['git_config', key],
        on: 'value',
        message: `${variable} holds ${foreign}, not a git credential: git_config.${key} would send it to ${host}. Reference a variable that holds a credential for that git host, e.g. \${env:GIT_TOKEN}.`,
      });
    }
  }
  if (target.sendsBasicAuth && target.scheme === 'http' && !target.loopback) {
    const insecure = (path: JsonPath, what: string, remove: string) =>
      problems.push({
        severity: 'error',
        code: 'git.insecureTransport',
        path,
        on: 'key',
        message: `git_config.repo is plain http://: git would send ${what} to ${host} unencrypted. Use the repository's https:// URL, or remove ${remove}.`,
      });
    for (const key of ['token', 'password'] as const) {
      if (typeof g[key] === 'string' && g[key] !== '') insecure(['git_config', key], `this ${key}`, `git_config.${key}`);
    }
    if (target.urlPassword !== undefined) insecure(['git_config', 'repo'], "the URL's password", 'the password from the URL');
  }
  return problems;
}

/**
 * Secrets written into `environment` in clear (a key named like one with a literal value, or a value
 * shaped like a token), references to AWS's own credentials, and `${env:…}` inside a longer value.
 */
export function environmentProblems(environment: unknown): CredentialProblem[] {
  const env = record(environment);
  if (!env) return [];
  const problems: CredentialProblem[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== 'string') continue;
    const variable = envReference(value);
    if (variable !== undefined) {
      if (AWS_CREDENTIAL_VARIABLES.test(variable)) {
        problems.push({
          severity: 'warning',
          code: 'environment.awsCredentials',
          path: ['environment', key],
          on: 'value',
          message: `This sends your own AWS credential ${variable} to the training job, where DescribeTrainingJob shows it to anyone who may describe the job. The job already has its role's credentials: give the role the permissions it needs instead.`,
        });
      }
      continue;
    }
    if (value.includes('${env:')) {
      problems.push({
        severity: 'warning',
        code: 'environment.partialReference',
        path: ['environment', key],
        on: 'value',
        message: 'Only a whole value written ${env:NAME} is taken from your environment; this one is sent to SageMaker as written.',
      });
    }
    const kind = secretValueKind(value);
    if (kind) {
      problems.push({
        severity: 'warning',
        code: 'environment.secret',
        path: ['environment', key],
        on: 'value',
        message: `This looks like ${kind} written into the job file. Write ${key}: \${env:${safeName(key)}} instead: the value then comes from your environment at launch and stays out of the file.`,
      });
    } else if (SECRET_NAME.test(key) && value !== '') {
      problems.push({
        severity: 'warning',
        code: 'environment.secret',
        path: ['environment', key],
        on: 'key',
        message: `\`${key}\` looks like a secret written into the job file. Write ${key}: \${env:${safeName(key)}} instead: the value then comes from your environment at launch and stays out of the file.`,
      });
    }
  }
  return problems;
}

/** A variable name to suggest for a key (keys may hold characters a variable name cannot). */
function safeName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

// ---------------------------------------------------------------------------------------------
// Resolution: at plan (presence only) and at launch (values)
// ---------------------------------------------------------------------------------------------

/** The flows whose variable is unset or empty in `env`. */
export function missingVariables(flows: readonly CredentialFlow[], env: EnvLookup): CredentialFlow[] {
  return flows.filter((f) => env[f.variable] === undefined || env[f.variable] === '');
}

/**
 * Throws `TrainingPlanError` (`env.variableMissing`) naming every `${env:NAME}` the launch would need
 * and the environment lacks: a job must not start with an empty token, nor a clone fail half way.
 */
export function requireCredentialVariables(spec: { git_config?: unknown; environment?: unknown }, env: EnvLookup): void {
  const missing = missingVariables(credentialFlows(spec), env);
  if (missing.length === 0) return;
  const names = [...new Set(missing.map((f) => f.variable))];
  const keys = missing.map((f) => `${f.key} (\${env:${f.variable}})`).join(', ');
  throw new TrainingPlanError(
    'env.variableMissing',
    `${keys} ${missing.length === 1 ? 'refers' : 'refer'} to ${names.length === 1 ? 'the environment variable' : 'the environment variables'} ${names.join(', ')}, ${names.length === 1 ? 'which is' : 'which are'} not set (or empty) on this machine. Set ${names.length === 1 ? 'it' : 'them'} where you launch from (for the editor: in the environment VS Code was started from), or remove ${missing.length === 1 ? 'that key' : 'those keys'}.`,
    { path: missing[0]!.key, value: names.join(', ') },
  );
}

/**
 * `environment` with each `${env:NAME}` value replaced by NAME's value in `env`: what a launch sends
 * and a local run sets. Throws `TrainingPlanError` naming every variable that is missing.
 */
export function expandEnvironment(environment: Readonly<Record<string, string>> | undefined, env: EnvLookup): Record<string, string> | undefined {
  if (environment === undefined) return undefined;
  requireCredentialVariables({ environment }, env);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment)) {
    const variable = envReference(value);
    out[key] = variable === undefined ? value : env[variable]!;
  }
  return out;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
