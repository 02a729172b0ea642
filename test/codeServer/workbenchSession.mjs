// One VS Code workbench, driven from outside, offline: code-server (installed under .tools/ by
// scripts/setup-vscode.sh) serves VS Code on 127.0.0.1, Debian's Chromium shows the workbench headless
// through playwright-core, and the `payload` of the workbench URL loads development extensions and,
// when asked, a test entry into code-server's Node extension host. Three scripts build on it:
//   test/integration/runInVsCode.mjs   this checkout + the compiled suite as test entry
//   test/e2e/vscodeSession.mjs         the packaged .vsix, installed; no test entry: the journey drives the page
//   bench/activation/runActivation.mjs any extension folder(s) + a timing probe as test entry
//
// Why the payload and not the code-server CLI: the CLI rejects --extensionDevelopmentPath and
// --extensionTestsPath. The workbench honours both from `?payload=` and reports a test entry's result
// through window.codeAutomationExit, the hook @vscode/test-web uses.
//
// Everything a session starts lives in its folder and in one process group, and goes on close():
// code-server runs under coreutils' `timeout`, so even a SIGKILL of the caller cannot leave it behind
// for longer than its lifetime.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const extensionId = 'sagemaker-hf.sagemaker-hf-trainer';
const codeServerEntry = path.join(repoRoot, '.tools', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

const chromiumFlags = [
  '--no-sandbox', // runs as root in CI containers
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  // Offline: keep Chromium from reaching for Google services and waiting on them.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--disable-sync',
];

// Inherited variables that must not reach the extension host: credentials would let a run talk to
// real AWS or the real Hub, and a VS Code terminal's VSCODE_* variables make code-server try to hand
// the folder over to that VS Code instead of serving it.
const withheldEnv = /^(AWS_|HF_|HUGGING_FACE_|VSCODE_|ELECTRON_)/;

/**
 * The user settings of every session: no start page, telemetry, updates or trust prompt in the way.
 * Workspace Trust is off (every folder trusted) unless a session asks for an untrusted folder.
 */
export const quietSettings = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
});

export class WorkbenchSessionError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'WorkbenchSessionError';
    this.code = code;
  }
}

/** Why no session can start on this machine, with what to do; undefined when one can. */
export function workbenchSetupProblem() {
  if (!fs.existsSync(codeServerEntry)) return 'code-server is not installed in .tools/code-server; run `bash scripts/setup-vscode.sh`';
  const browser = chromiumPath();
  if (!fs.existsSync(browser)) return `${browser} is missing; install Debian's chromium or set CHROMIUM_PATH`;
  return undefined;
}

/**
 * @typedef {object} WorkbenchSessionOptions
 * @property {string} root an existing folder the session fills (user data, extensions, HOME, TMPDIR,
 *   XDG_*, the Chromium profile, code-server's config and log); the caller removes it
 * @property {boolean} smokeTestDriver whether to set the workbench's
 *   developmentOptions.enableSmokeTestDriver (see enableSmokeTestDriver below). A run with a test
 *   entry wants it; a run that clicks through modal dialogs must not have it, since with it the dialog
 *   service refuses every modal. No default: each caller says which it is.
 * @property {number} lifetimeSeconds code-server is killed after this long, whatever happens
 * @property {Record<string, unknown>} [settings] user settings, on top of quietSettings
 * @property {Record<string, unknown>} [remoteSettings] the Remote settings (code-server's
 *   user-data/Machine/settings.json). The workbench is a remote window, so settings of scope `machine`
 *   and `machine-overridable` (sagemakerHf.aws.endpoints, aws.profile, local.pythonInterpreter) are
 *   read from here only; in `settings` they would be ignored.
 * @property {'off' | 'untrusted'} [workspaceTrust] 'off' (default): Workspace Trust disabled, so the
 *   folder is trusted; 'untrusted': Workspace Trust on, no start-up prompt, and the folder opens in
 *   Restricted Mode (a fresh user-data folder trusts nothing)
 * @property {Record<string, string>} [env] extra environment for code-server (so for the extension
 *   host) and for Chromium
 * @property {string} [logLevel] code-server's --log; its own default when absent
 * @property {number} [healthTimeoutMs] how long start() waits for code-server to answer; when absent,
 *   until it answers, exits, or start()'s signal aborts
 * @property {Array<() => void>} [initScripts] more scripts for every frame, run before the page's own
 * @property {{ width: number, height: number }} [viewport] the page's size; Playwright's default when absent
 *
 * @typedef {object} WorkbenchTarget what the workbench URL opens and loads
 * @property {string} folder the folder to open
 * @property {string[]} extensionDevelopmentPaths extension folders to load as development extensions
 *   (none for a session that runs an installed extension, see installExtension())
 * @property {string} [extensionTestsPath] a compiled test entry (exports `run`) for the extension host
 */

/**
 * code-server + Chromium in one folder. The constructor only prepares the folder (so that `dirs`
 * exists before anything starts); start() starts both; close() stops both and may be called at any
 * time, as often as wanted, also when start() failed or is still running.
 */
export class WorkbenchSession {
  /** @param {WorkbenchSessionOptions} options */
  constructor(options) {
    if (typeof options.smokeTestDriver !== 'boolean') throw new TypeError('WorkbenchSession: say whether to enable the smoke-test driver (smokeTestDriver: true | false)');
    this.options = options;
    const trust = options.workspaceTrust ?? 'off';
    if (trust !== 'off' && trust !== 'untrusted') throw new TypeError(`WorkbenchSession: workspaceTrust is 'off' or 'untrusted', not ${JSON.stringify(trust)}`);
    const trustSettings = trust === 'untrusted' ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
    this.dirs = prepareDirs(options.root, { ...quietSettings, ...trustSettings, ...options.settings }, options.remoteSettings);
    this.env = sessionEnv(this.dirs, options.env ?? {});
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.codeServer = undefined;
    /** @type {import('playwright-core').BrowserContext | undefined} */
    this.context = undefined;
    /** @type {import('playwright-core').Page | undefined} */
    this.page = undefined;
    /** e.g. http://127.0.0.1:PORT, once code-server is spawned */
    this.base = '';
    /** The authority the workbench gives files on the server (vscode-remote://AUTHORITY/path). */
    this.remoteAuthority = '';
    /** Resolves with code-server's exit code (or the signal that ended it) when it exits; never if it never starts. */
    this.codeServerExited = new Promise((resolve) => {
      this.#reportExit = resolve;
    });
  }

  /** @type {(code: number | string | null) => void} */
  #reportExit = () => {};
  /** @type {Promise<import('playwright-core').BrowserContext> | undefined} */
  #launching;
  /** @type {Promise<void> | undefined} */
  #closing;

  /**
   * Starts code-server, waits until it answers, and opens Chromium on a blank page with the session's
   * init scripts; the workbench itself loads with openWorkbench().
   * @param {{ signal?: AbortSignal }} [control] aborting it ends whichever wait start() is in, with the
   *   signal's reason; what was started is left for close()
   */
  async start({ signal } = {}) {
    const until = (promise) => untilAborted(promise, signal);
    const port = await until(freePort());
    this.base = `http://127.0.0.1:${port}`;
    this.codeServer = spawnCodeServer(port, this.dirs, this.env, this.options);
    this.codeServer.once('exit', (code, exitSignal) => this.#reportExit(code ?? exitSignal));
    await until(waitForHealth(this.base, this.codeServer, this.options.healthTimeoutMs, signal));
    this.remoteAuthority = await until(readRemoteAuthority(this.base));
    this.#launching = chromium.launchPersistentContext(this.dirs.chromiumProfile, {
      executablePath: chromiumPath(),
      headless: true,
      args: chromiumFlags,
      env: { ...this.env, HOME: this.dirs.home },
      ...(this.options.viewport ? { viewport: this.options.viewport } : {}),
      // The caller owns signal handling, so that code-server and the session folder go too.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
    this.context = await until(this.#launching);
    const initScripts = [...(this.options.smokeTestDriver ? [enableSmokeTestDriver] : []), ...(this.options.initScripts ?? [])];
    for (const script of initScripts) await until(this.context.addInitScript(script));
    this.page = this.context.pages()[0] ?? (await until(this.context.newPage()));
  }

  /**
   * Installs the hooks through which the workbench reports a test entry's run: codeAutomationLog for
   * each console call in the extension host, codeAutomationExit when the entry's run() has settled.
   * They must exist before the workbench script runs, so call this before openWorkbench().
   * @param {(level: string, args: unknown) => void} [onLog]
   * @returns {Promise<{ exitCode: Promise<number> }>} exitCode: what the extension host exited with
   */
  async watchTestRun(onLog = () => {}) {
    /** @type {(code: number) => void} */
    let report = () => {};
    const exitCode = new Promise((resolve) => {
      report = resolve;
    });
    await this.page.exposeFunction('codeAutomationExit', (code) => report(Number(code)));
    await this.page.exposeFunction('codeAutomationLog', onLog);
    return { exitCode };
  }

  /** The workbench URL that opens `target.folder` with the payload naming the extensions and the test entry. */
  workbenchUrl(/** @type {WorkbenchTarget} */ target) {
    const remote = (file) => `vscode-remote://${this.remoteAuthority}${path.resolve(file)}`;
    const payload = target.extensionDevelopmentPaths.map((folder) => ['extensionDevelopmentPath', remote(folder)]);
    // Without .js, as the workbench's own test runners pass it; the extension host resolves it either way.
    if (target.extensionTestsPath) payload.push(['extensionTestsPath', remote(target.extensionTestsPath).replace(/\.js$/, '')]);
    return `${this.base}/?folder=${encodeURIComponent(target.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }

  /**
   * Installs a packaged extension (.vsix) into this session's extensions folder, as a user does with
   * `code-server --install-extension`: the same code-server, user data, config and environment as the
   * session, before start() (code-server reads the folder when it starts). Returns the folder the
   * extension was installed into.
   * @param {string} vsix path of the .vsix
   * @param {string} extensionId publisher.name, to find the installed folder
   */
  installExtension(vsix, extensionId) {
    if (this.codeServer) throw new TypeError('WorkbenchSession: install extensions before start()');
    const args = [
      codeServerEntry,
      '--config',
      this.dirs.codeServerConfig,
      '--user-data-dir',
      this.dirs.userData,
      '--extensions-dir',
      this.dirs.extensions,
      '--install-extension',
      vsix,
    ];
    const result = spawnSync(process.execPath, args, { env: this.env, encoding: 'utf8', timeout: 120_000 });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    if (result.status !== 0)
      throw new WorkbenchSessionError(
        'InstallExtensionFailed',
        `code-server --install-extension ${vsix} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${output}`,
      );
    const prefix = `${extensionId.toLowerCase()}-`;
    const folders = fs.readdirSync(this.dirs.extensions).filter((f) => f.toLowerCase().startsWith(prefix) && fs.existsSync(path.join(this.dirs.extensions, f, 'package.json')));
    if (folders.length !== 1)
      throw new WorkbenchSessionError(
        'InstallExtensionFailed',
        `code-server --install-extension ${vsix} left ${folders.length} folders named ${prefix}* in ${this.dirs.extensions}:\n${output}`,
      );
    return path.join(this.dirs.extensions, folders[0]);
  }

  /** Navigates the page to the workbench; returns once its document has loaded, not once it is interactive. */
  async openWorkbench(/** @type {WorkbenchTarget} */ target) {
    await this.page.goto(this.workbenchUrl(target), { waitUntil: 'domcontentloaded', timeout: 60_000 });
  }

  /** The workbench's log folder (exthost.log, the extensions' LogOutputChannels, their channels). */
  logsDir() {
    return path.join(this.dirs.userData, 'logs');
  }

  /** Every file under logsDir() whose path relative to it matches `pattern`. */
  logFiles(/** @type {RegExp} */ pattern) {
    const root = this.logsDir();
    if (!fs.existsSync(root)) return [];
    return fs
      .readdirSync(root, { recursive: true })
      .map(String)
      .filter((file) => pattern.test(file))
      .map((file) => path.join(root, file));
  }

  codeServerLogTail(lines = 40) {
    if (!fs.existsSync(this.dirs.codeServerLog)) return '';
    return fs.readFileSync(this.dirs.codeServerLog, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Closes Chromium, then stops code-server's whole process group. */
  close() {
    this.#closing ??= this.#stop();
    return this.#closing;
  }

  async #stop() {
    // A launch that start() stopped waiting for still finishes in the background: close what it opens.
    const context = this.context ?? (await this.#launching?.catch(() => undefined));
    await context?.close().catch(() => {});
    await stopProcessGroup(this.codeServer);
  }

  /** Last resort from a process 'exit' handler or a second Ctrl-C: synchronous, no waiting. */
  killNow() {
    killGroup(this.codeServer, 'SIGKILL');
  }
}

/** Races `promise` against `signal`: rejects with the signal's reason once it aborts. */
export function untilAborted(promise, /** @type {AbortSignal | undefined} */ signal) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

function prepareDirs(root, settings, remoteSettings) {
  const dirs = {
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    home: path.join(root, 'home'),
    tmp: path.join(root, 'tmp'),
    xdgConfig: path.join(root, 'xdg', 'config'),
    xdgData: path.join(root, 'xdg', 'data'),
    xdgCache: path.join(root, 'xdg', 'cache'),
    xdgState: path.join(root, 'xdg', 'state'),
    xdgRuntime: path.join(root, 'xdg', 'runtime'),
    chromiumProfile: path.join(root, 'chromium-profile'),
    codeServerConfig: path.join(root, 'code-server.yaml'),
    codeServerLog: path.join(root, 'code-server.log'),
  };
  for (const [key, dir] of Object.entries(dirs)) {
    if (!key.startsWith('codeServer')) fs.mkdirSync(dir, { recursive: true });
  }
  fs.chmodSync(dirs.xdgRuntime, 0o700);
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  if (remoteSettings) {
    fs.mkdirSync(path.join(dirs.userData, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(dirs.userData, 'Machine', 'settings.json'), JSON.stringify(remoteSettings, null, 2));
  }
  // An explicit (empty) config keeps code-server from writing ~/.config/code-server/config.yaml.
  fs.writeFileSync(dirs.codeServerConfig, '');
  return dirs;
}

function sessionEnv(dirs, extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !withheldEnv.test(name)));
  return {
    ...env,
    // code-server leaves sockets in TMPDIR; VS Code and Chromium write under HOME and XDG_*. A temp
    // HOME also means ~/.aws and ~/.cache/huggingface of the machine are never read.
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    XDG_STATE_HOME: dirs.xdgState,
    XDG_RUNTIME_DIR: dirs.xdgRuntime,
    // The extension host is node 20; every AWS SDK client would warn about it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Offline, the SDK's credential chain would otherwise wait on the EC2 metadata endpoint.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

function spawnCodeServer(port, dirs, env, { lifetimeSeconds, logLevel, workspaceTrust }) {
  const args = [
    // coreutils' timeout bounds code-server's life even if the caller is SIGKILLed and never cleans
    // up (a CI job cancelled hard); it signals the whole process group when it fires.
    '--kill-after=5',
    `${lifetimeSeconds}`,
    process.execPath,
    codeServerEntry,
    '--config',
    dirs.codeServerConfig,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust === 'untrusted' ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(logLevel ? ['--log', logLevel] : []),
  ];
  const log = fs.openSync(dirs.codeServerLog, 'a');
  // Its own process group, so the extension host, local jobs' python and the other helpers go with it.
  const child = spawn('timeout', args, { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  return child;
}

function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function killGroup(child, signal) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is empty.
  }
}

async function stopProcessGroup(child) {
  if (!child?.pid) return;
  const exited = hasExited(child) ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
  killGroup(child, 'SIGTERM');
  const graceful = await raceTimeout(
    exited.then(() => true),
    5000,
    false,
  );
  // Also after a clean exit: helpers that outlived the server would hold the session folder open.
  killGroup(child, 'SIGKILL');
  if (!graceful) await raceTimeout(exited, 5000, undefined);
}

/** `promise`, or `fallback` after `ms`; the timer does not outlive the race. */
async function raceTimeout(promise, ms, fallback) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(fallback), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, child, timeoutMs, signal) {
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (hasExited(child)) throw new WorkbenchSessionError('CodeServerExited', `code-server exited early (code ${child.exitCode ?? child.signalCode})`);
    try {
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(100);
  }
  if (signal?.aborted) throw signal.reason;
  throw new WorkbenchSessionError('CodeServerTimeout', `code-server did not answer ${base}/healthz within ${timeoutMs / 1000} s`);
}

/** The authority the workbench uses for files on the server, from its configuration meta tag. */
async function readRemoteAuthority(base) {
  const html = await (await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) })).text();
  const tag = /<meta\b[^>]*\bid="vscode-workbench-web-configuration"[^>]*>/.exec(html)?.[0];
  const settings = tag && /\bdata-settings="([^"]*)"/.exec(tag)?.[1];
  if (!settings) throw new WorkbenchSessionError('NoWorkbenchConfiguration', 'the workbench page has no vscode-workbench-web-configuration meta tag; is this code-server?');
  const decoded = settings.replace(/&(quot|amp|lt|gt|#39|apos);/g, (_, entity) => ({ quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'", apos: "'" })[entity]);
  const authority = JSON.parse(decoded).remoteAuthority;
  if (!authority) throw new WorkbenchSessionError('NoRemoteAuthority', 'the workbench configuration names no remoteAuthority');
  return authority;
}

/**
 * Runs in the page before the workbench starts. VS Code ≥ 1.139 ignores `?payload=` in built
 * products unless developmentOptions.enableSmokeTestDriver is set; 1.100 does not need it but
 * accepts it, so a test entry keeps loading across the code-server upgrade. Patching the attribute
 * read instead of rewriting the HTML matters: a rewritten response makes Chromium block the
 * workbench's WebSocket to 127.0.0.1 (local network access checks).
 */
function enableSmokeTestDriver() {
  const getAttribute = Element.prototype.getAttribute;
  Element.prototype.getAttribute = function (name) {
    const value = getAttribute.call(this, name);
    if (name !== 'data-settings' || this.id !== 'vscode-workbench-web-configuration' || !value) return value;
    try {
      const configuration = JSON.parse(value);
      configuration.developmentOptions = { ...configuration.developmentOptions, enableSmokeTestDriver: true };
      return JSON.stringify(configuration);
    } catch {
      return value;
    }
  };
}
