/**
 * `git_config`: the training code comes from a Git repository (SDK v2 git_utils.py
 * `git_clone_repo`). The SDK clones the whole history; we take only what the job needs: a
 * `--depth 1` clone of the branch, or a `--depth 1` fetch of the exact commit (falling back to a
 * full fetch when the server refuses a fetch by id, or the id is abbreviated). The clone lives in
 * a temporary folder that is removed however the launch ends.
 *
 * Credentials. `token`, `username` and `password` are `${env:NAME}` references, resolved from the
 * environment at launch. They reach git as an `Authorization: Basic` header set through git's
 * GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n environment variables, scoped to the
 * repository's origin with `http.<origin>/.extraHeader`. Chosen over the SDK's way (credentials
 * spliced into the URL, hence into argv, `ps` and git's own messages) and over GIT_ASKPASS (a
 * script file on disk, a 401 round trip, and a .cmd twin on Windows): the secret travels only in
 * the child's environment and is never written anywhere. A token is sent with the user name
 * `x-access-token` unless `username` is given; GitHub, GitLab and Azure DevOps accept any user
 * name with a token as the password. Credentials written into the repo URL itself
 * (`https://user:pass@host/…`, which the validator refuses) are moved into the header the same way.
 * Never sent: a credential over plain http:// to another machine, or one taken from another
 * service's variable (AWS_*, HF_TOKEN…): see src/core/jobFile/credentialFlows.ts. SSH URLs use the user's
 * SSH agent and keys; the fields above are ignored for them, as in the SDK.
 *
 * Git never prompts (GIT_TERMINAL_PROMPT=0, ssh BatchMode): a launch fails with a message rather
 * than hanging on an invisible prompt.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { envReference, gitCredentialProblems, gitRemoteTarget, sentGitCredentialKeys } from '../core/jobFile/credentialFlows';
import type { GitCredentialKey } from '../core/jobFile/credentialFlows';
import type { GitConfig } from '../core/jobFile/jobSpec';
import { SourceStagingError } from './stagingError';

export interface GitSourceRequest {
  gitConfig: GitConfig;
  /** The job file's `source_dir`, relative to the repository root. */
  sourceDir?: string;
  /** Relative to `sourceDir` (or the repository root without it). */
  entryPoint: string;
  /** Relative to the repository root. */
  dependencies?: readonly string[];
}

export interface GitCheckout {
  /** The clone's root folder (temporary: valid only inside `withGitCheckout`'s callback). */
  root: string;
  /** The commit checked out. */
  commit: string;
  /** The repository URL without credentials, for messages. */
  repo: string;
}

export interface GitCheckoutOptions {
  /** Where `${env:NAME}` references are looked up; default process.env. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** The git executable; default `git` on PATH. */
  gitCommand?: string;
  /** Parent of the temporary folder; default the OS temp folder. */
  tempRoot?: string;
}

const TOKEN_USER = 'x-access-token';
const STDERR_LIMIT = 8 * 1024;

/**
 * Clones `request.gitConfig`, checks that source_dir, entry_point and dependencies exist in it
 * (before anything is uploaded), runs `use` with the checkout, and removes the clone afterwards,
 * whether `use` succeeded, threw, or the signal fired.
 */
export async function withGitCheckout<T>(request: GitSourceRequest, use: (checkout: GitCheckout) => Promise<T>, options: GitCheckoutOptions = {}): Promise<T> {
  const env = options.env ?? process.env;
  const remote = gitRemote(request.gitConfig, env);
  if (options.signal?.aborted) throw cancelled(remote.displayUrl);
  const temp = await fs.mkdtemp(path.join(options.tempRoot ?? os.tmpdir(), 'sagemaker-hf-git-'));
  try {
    const root = path.join(temp, 'repo');
    const git = new GitRunner(options.gitCommand ?? 'git', remote, env, options.signal);
    await checkout(git, request.gitConfig, root);
    const commit = (await git.run(['rev-parse', 'HEAD'], root, 'git.checkoutFailed')).trim();
    const checkoutInfo: GitCheckout = { root, commit, repo: remote.displayUrl };
    await checkPaths(request, checkoutInfo);
    return await use(checkoutInfo);
  } finally {
    await fs.rm(temp, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function checkout(git: GitRunner, config: GitConfig, root: string): Promise<void> {
  if (config.commit === undefined) {
    const args = ['clone', '--depth', '1', '--no-tags'];
    if (config.branch !== undefined) args.push('--branch', config.branch);
    await git.run([...args, '--', git.remote.url, root], undefined, 'git.cloneFailed');
    return;
  }
  // An exact commit: fetch just it. Servers that refuse a fetch by id (older ones, or an
  // abbreviated id) get the SDK's full fetch instead.
  await git.run(['init', '--quiet', root], undefined, 'git.cloneFailed');
  await git.run(['remote', 'add', 'origin', git.remote.url], root, 'git.cloneFailed');
  try {
    await git.run(['fetch', '--depth', '1', '--no-tags', 'origin', config.commit], root, 'git.cloneFailed');
    await git.run(['checkout', '--quiet', '--detach', 'FETCH_HEAD'], root, 'git.checkoutFailed');
  } catch (err) {
    if (err instanceof SourceStagingError && err.code === 'cancelled') throw err;
    await git.run(['fetch', '--tags', 'origin'], root, 'git.cloneFailed');
    await git.run(['checkout', '--quiet', '--detach', config.commit], root, 'git.checkoutFailed', `commit ${config.commit} is not in ${git.remote.displayUrl}`);
  }
}

async function checkPaths(request: GitSourceRequest, co: GitCheckout): Promise<void> {
  const at =
    request.gitConfig.commit !== undefined
      ? `commit ${request.gitConfig.commit}`
      : request.gitConfig.branch !== undefined
        ? `branch ${request.gitConfig.branch}`
        : 'its default branch';
  const inside = (relative: string, key: string): string => {
    const resolved = path.resolve(co.root, relative);
    const rel = path.relative(co.root, resolved);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new SourceStagingError('git.pathOutsideRepo', `${key} \`${relative}\` points outside the repository; give a path inside ${co.repo}.`, {
        path: relative,
        repo: co.repo,
      });
    }
    return resolved;
  };
  let codeRoot = co.root;
  if (request.sourceDir !== undefined) {
    codeRoot = inside(request.sourceDir, 'source_dir');
    if (!(await isDirectory(codeRoot))) {
      throw new SourceStagingError(
        'git.sourceDirMissing',
        `Source directory \`${request.sourceDir}\` does not exist in the repo ${co.repo} (${at}). Fix source_dir or git_config.`,
        { path: request.sourceDir, repo: co.repo, commit: co.commit },
      );
    }
  }
  const entry = path.resolve(codeRoot, request.entryPoint);
  inside(path.relative(co.root, entry), 'entry_point');
  if (!(await isFile(entry))) {
    const where = request.sourceDir !== undefined ? `source_dir \`${request.sourceDir}\` of the repo` : 'the repo';
    throw new SourceStagingError(
      'git.entryPointMissing',
      `Entry point \`${request.entryPoint}\` does not exist in ${where} ${co.repo} (${at}). Fix entry_point, source_dir or git_config; nothing was uploaded.`,
      { path: request.entryPoint, repo: co.repo, commit: co.commit },
    );
  }
  for (const dependency of request.dependencies ?? []) {
    const resolved = inside(dependency, 'dependency');
    if (!(await exists(resolved))) {
      throw new SourceStagingError('git.dependencyMissing', `Dependency \`${dependency}\` does not exist in the repo ${co.repo} (${at}).`, {
        path: dependency,
        repo: co.repo,
        commit: co.commit,
      });
    }
  }
}

interface GitRemote {
  /** The URL git is given: never with credentials in it. */
  url: string;
  displayUrl: string;
  /** Extra environment for git: the scoped Authorization header, when there are credentials. */
  env: Record<string, string>;
  /** Values to blank out of anything git prints. */
  secrets: string[];
}

/**
 * The URL to clone and how to authenticate, from `git_config` and the environment. Refuses what
 * src/core/jobFile/credentialFlows.ts refuses (the validator reports the same before any launch):
 * a credential over plain http:// to another machine, another service's secret (AWS_*, HF_TOKEN…)
 * as a git credential.
 */
export function gitRemote(config: GitConfig, env: NodeJS.ProcessEnv): GitRemote {
  const refused = gitCredentialProblems(config).filter((p) => p.code === 'git.insecureTransport' || p.code === 'git.foreignSecret');
  if (refused.length > 0) {
    throw new SourceStagingError('git.credentialRefused', `Not cloning ${redactUrl(config.repo)}: ${refused.map((p) => p.message).join(' ')}`, { repo: redactUrl(config.repo) });
  }
  const target = gitRemoteTarget(config.repo);
  let url = config.repo;
  if (target.sendsBasicAuth && (target.urlUser !== undefined || target.urlPassword !== undefined)) {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    url = parsed.toString();
  }
  // Only what is sent is resolved: an unused password's variable need not be set.
  const sent = sentGitCredentialKeys(config);
  const resolve = (key: GitCredentialKey) => (sent.includes(key) ? resolveReference(config[key], key, env) : undefined);
  const token = resolve('token');
  const username = resolve('username') ?? target.urlUser;
  const password = resolve('password') ?? target.urlPassword;
  const secrets = [token, password].filter((s): s is string => !!s);

  const extraEnv: Record<string, string> = {};
  const secret = token ?? password;
  if (target.origin && secret) {
    const user = username ?? (token ? TOKEN_USER : '');
    const basic = Buffer.from(`${user}:${secret}`, 'utf8').toString('base64');
    secrets.push(basic);
    const index = Number(env['GIT_CONFIG_COUNT'] ?? '0') || 0;
    extraEnv['GIT_CONFIG_COUNT'] = String(index + 1);
    extraEnv[`GIT_CONFIG_KEY_${index}`] = `http.${target.origin}.extraHeader`;
    extraEnv[`GIT_CONFIG_VALUE_${index}`] = `Authorization: Basic ${basic}`;
  }
  return { url, displayUrl: redactUrl(config.repo), env: extraEnv, secrets };
}

function resolveReference(value: string | undefined, key: string, env: NodeJS.ProcessEnv): string | undefined {
  if (value === undefined || value === '') return undefined;
  const variable = envReference(value);
  if (variable === undefined) return value;
  const resolved = env[variable];
  if (resolved === undefined || resolved === '') {
    throw new SourceStagingError(
      'git.credentialMissing',
      `git_config.${key} refers to the environment variable ${variable}, which is not set. Set it where the launch runs (for the editor: before starting VS Code), or remove git_config.${key}.`,
      { variable, key },
    );
  }
  return resolved;
}

/** A URL without `user:password@`, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}

class GitRunner {
  constructor(
    private readonly command: string,
    readonly remote: GitRemote,
    private readonly env: NodeJS.ProcessEnv,
    private readonly signal: AbortSignal | undefined,
  ) {}

  run(args: string[], cwd: string | undefined, failure: 'git.cloneFailed' | 'git.checkoutFailed', hint?: string): Promise<string> {
    if (this.signal?.aborted) return Promise.reject(cancelled(this.remote.displayUrl));
    const env: NodeJS.ProcessEnv = {
      ...this.env,
      ...this.remote.env,
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'never',
      ...(this.env['GIT_SSH_COMMAND'] === undefined ? { GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' } : {}),
    };
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...(this.signal ? { signal: this.signal } : {}) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString('utf8')).slice(-STDERR_LIMIT);
      });
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (err.name === 'AbortError' || this.signal?.aborted) reject(cancelled(this.remote.displayUrl));
        else if (err.code === 'ENOENT')
          reject(
            new SourceStagingError(
              'git.notInstalled',
              `git_config needs git, and \`${this.command}\` was not found. Install git (and put it on PATH), or clone the repository yourself and point source_dir at it.`,
              { command: this.command },
            ),
          );
        else reject(new SourceStagingError(failure, `Could not run git: ${err.message}`, { repo: this.remote.displayUrl }, { cause: err }));
      });
      child.once('close', (code) => {
        if (this.signal?.aborted) {
          reject(cancelled(this.remote.displayUrl));
        } else if (code === 0) {
          resolve(stdout);
        } else {
          const said = this.redact(stderr)
            .trim()
            .split('\n')
            .filter((l) => l.trim() !== '')
            .slice(-3)
            .join(' / ');
          const verb = args[0] === 'checkout' ? 'checkout' : args[0] === 'fetch' ? 'fetch' : 'clone';
          const next =
            failure === 'git.checkoutFailed'
              ? 'Check git_config.branch and git_config.commit.'
              : 'Check git_config.repo and branch, and that the token or password variables hold valid credentials.';
          reject(
            new SourceStagingError(failure, `git ${verb} of ${this.remote.displayUrl} failed${hint ? ` (${hint})` : ''}: ${said || `exit code ${code}`}. ${next}`, {
              repo: this.remote.displayUrl,
              exitCode: code ?? undefined,
            }),
          );
        }
      });
    });
  }

  /** What git printed, with every credential blanked (git echoes URLs, and servers echo headers). */
  private redact(text: string): string {
    let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
    for (const s of this.remote.secrets) out = out.split(s).join('***');
    return out;
  }
}

function cancelled(repo: string): SourceStagingError {
  return new SourceStagingError('cancelled', `Cloning ${repo} was cancelled.`, { repo });
}

async function isDirectory(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isFile() ?? false;
}

async function exists(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined)) !== undefined;
}
