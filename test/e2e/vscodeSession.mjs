// One code-server + Chromium session for the end-to-end journey: the extension loaded from this
// checkout as a development extension (the `payload` of the workbench URL, as
// test/integration/runInVsCode.mjs does, but without a test runner inside the extension host), and a
// Playwright page the journey drives like a user.
//
// Unlike the integration runner, this one must NOT set developmentOptions.enableSmokeTestDriver: with
// it the workbench's dialog service refuses every modal ("DialogService: refused to show dialog in
// tests"), and the journey has to click Launch in one. code-server 4.100 honours `?payload=` without
// it; a VS Code that insists on it (≥ 1.139) would need the modal driven another way.
//
// Everything it starts lives in one temp folder and one process group, and goes on close(), on a
// signal, and when this process exits: code-server runs under coreutils' `timeout`, so even a SIGKILL
// of the journey cannot leave it behind for long.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
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

// Inherited variables that must not reach the extension host: real credentials would let the journey
// talk to real AWS or the real Hub, and a VS Code terminal's VSCODE_* variables make code-server hand
// the folder over to that VS Code instead of serving it.
const withheldEnv = /^(AWS_|HF_|HUGGING_FACE_|VSCODE_|ELECTRON_)/;

export class SessionError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'SessionError';
    this.code = code;
  }
}

/** Why a session cannot start here, with what to do; undefined when it can. */
export function sessionPrerequisiteProblem() {
  if (!fs.existsSync(codeServerEntry)) return 'code-server is not installed in .tools/code-server; run `bash scripts/setup-vscode.sh`';
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) return 'dist/extension.js is missing; build first with `node esbuild.mjs`';
  const browser = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(browser)) return `${browser} is missing; install Debian's chromium or set CHROMIUM_PATH`;
  return undefined;
}

/**
 * @typedef {object} SessionOptions
 * @property {string} tmp a folder this session may fill (removed by the caller)
 * @property {string} workspace the folder to open
 * @property {Record<string, unknown>} settings user settings, on top of quiet defaults
 * @property {Record<string, string>} env extra environment for code-server and so the extension host
 * @property {number} lifetimeSeconds code-server is killed after this long whatever happens
 * @property {{ width: number, height: number }} viewport
 */

/**
 * @param {SessionOptions} options
 */
export async function startVsCodeSession(options) {
  const dirs = prepareDirs(options.tmp, options.settings);
  const env = extensionHostEnv(dirs, options.env);
  const session = new VsCodeSession(dirs);
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    session.codeServer = startCodeServer(port, dirs, env, options.lifetimeSeconds);
    await waitForHealth(base, session.codeServer, 30_000);
    const remoteAuthority = await readRemoteAuthority(base);
    session.context = await chromium.launchPersistentContext(dirs.chromiumProfile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: chromiumFlags,
      env: { ...env, HOME: dirs.home },
      viewport: options.viewport,
      // The journey owns signal handling, so that code-server and the emulators go too.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
    await session.context.addInitScript(reportCspViolations);
    await session.context.addInitScript(reportScriptDialogs);
    session.page = session.context.pages()[0] ?? (await session.context.newPage());
    const payload = [['extensionDevelopmentPath', `vscode-remote://${remoteAuthority}${repoRoot}`]];
    session.url = `${base}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}

export class VsCodeSession {
  constructor(dirs) {
    this.dirs = dirs;
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.codeServer = undefined;
    /** @type {import('playwright-core').BrowserContext | undefined} */
    this.context = undefined;
    /** @type {import('playwright-core').Page | undefined} */
    this.page = undefined;
    this.url = '';
    this.closed = false;
  }

  /** Opens the workbench and waits until it is interactive. */
  async open() {
    await this.page.goto(this.url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.statusbar').waitFor({ timeout: 60_000 });
  }

  /** The workbench's log folder of this session (exthost.log, our LogOutputChannel, job channels). */
  logsDir() {
    return path.join(this.dirs.userData, 'logs');
  }

  /** Every log file under the session's logs whose path matches `pattern`. */
  logFiles(pattern) {
    const root = this.logsDir();
    if (!fs.existsSync(root)) return [];
    return fs
      .readdirSync(root, { recursive: true })
      .map(String)
      .filter((file) => pattern.test(file))
      .map((file) => path.join(root, file));
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.context?.close().catch(() => {});
    await stopProcessGroup(this.codeServer);
  }

  /** Last resort from a process 'exit' handler: synchronous, no waiting. */
  killNow() {
    killGroup(this.codeServer, 'SIGKILL');
  }

  codeServerLogTail(lines = 40) {
    if (!fs.existsSync(this.dirs.codeServerLog)) return '';
    return fs.readFileSync(this.dirs.codeServerLog, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}

function prepareDirs(tmp, settings) {
  const dirs = {
    userData: path.join(tmp, 'user-data'),
    extensions: path.join(tmp, 'extensions'),
    home: path.join(tmp, 'home'),
    tmp: path.join(tmp, 'tmp'),
    xdgConfig: path.join(tmp, 'xdg', 'config'),
    xdgData: path.join(tmp, 'xdg', 'data'),
    xdgCache: path.join(tmp, 'xdg', 'cache'),
    xdgState: path.join(tmp, 'xdg', 'state'),
    xdgRuntime: path.join(tmp, 'xdg', 'runtime'),
    chromiumProfile: path.join(tmp, 'chromium-profile'),
    codeServerConfig: path.join(tmp, 'code-server.yaml'),
    codeServerLog: path.join(tmp, 'code-server.log'),
  };
  for (const [key, dir] of Object.entries(dirs)) {
    if (!key.startsWith('codeServer')) fs.mkdirSync(dir, { recursive: true });
  }
  fs.chmodSync(dirs.xdgRuntime, 0o700);
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  const quiet = {
    'workbench.startupEditor': 'none',
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'files.autoSave': 'off',
    'git.enabled': false,
    'chat.commandCenter.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
  };
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...quiet, ...settings }, null, 2));
  // An explicit (empty) config keeps code-server from writing ~/.config/code-server/config.yaml.
  fs.writeFileSync(dirs.codeServerConfig, '');
  return dirs;
}

function extensionHostEnv(dirs, extra) {
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
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Offline, the SDK's credential chain would otherwise wait on the EC2 metadata endpoint.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

function startCodeServer(port, dirs, env, lifetimeSeconds) {
  const args = [
    // coreutils' timeout bounds code-server's life even if the journey is SIGKILLed and never
    // cleans up; it signals the whole process group when it fires.
    '--kill-after=5',
    `${lifetimeSeconds}`,
    process.execPath,
    codeServerEntry,
    '--config', dirs.codeServerConfig,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--log', 'info',
  ];
  const log = fs.openSync(dirs.codeServerLog, 'a');
  // Its own process group, so the extension host, local jobs' python and the other helpers go with it.
  const child = spawn('timeout', args, { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  return child;
}

function killGroup(child, signal) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopProcessGroup(child) {
  if (!child?.pid) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
  killGroup(child, 'SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
  // Also after a clean exit: helpers that outlived the server would hold the temp folder open.
  killGroup(child, 'SIGKILL');
  if (!graceful) await Promise.race([exited, delay(5000)]);
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

async function waitForHealth(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new SessionError('CodeServerExited', `code-server exited early (code ${child.exitCode ?? child.signalCode})`);
    try {
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(100);
  }
  throw new SessionError('CodeServerTimeout', `code-server did not answer ${base}/healthz within ${timeoutMs / 1000} s`);
}

/** The authority the workbench uses for files on the server, from its configuration meta tag. */
async function readRemoteAuthority(base) {
  const html = await (await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) })).text();
  const tag = /<meta\b[^>]*\bid="vscode-workbench-web-configuration"[^>]*>/.exec(html)?.[0];
  const settings = tag && /\bdata-settings="([^"]*)"/.exec(tag)?.[1];
  if (!settings) throw new SessionError('NoWorkbenchConfiguration', 'the workbench page has no vscode-workbench-web-configuration meta tag; is this code-server?');
  const decoded = settings.replace(/&(quot|amp|lt|gt|#39|apos);/g, (_, entity) => ({ quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'", apos: "'" })[entity]);
  const authority = JSON.parse(decoded).remoteAuthority;
  if (!authority) throw new SessionError('NoRemoteAuthority', 'the workbench configuration names no remoteAuthority');
  return authority;
}

/**
 * Runs in every frame, webview iframes included (an init script is not subject to the page's CSP).
 * Chromium prints "Refused to …" for most violations, but not for every kind; the event always fires.
 * VS Code writes a webview's page into its frame with document.open(), which erases every listener of
 * the document and its window: the listener goes back on after each open().
 */
function reportCspViolations() {
  const report = (event) => {
    console.error(`[e2e-csp] Content Security Policy violation in ${location.href}: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} (${event.sourceFile || 'no source'}:${event.lineNumber})`);
  };
  const listen = (doc) => doc.addEventListener('securitypolicyviolation', report);
  listen(document);
  const open = Document.prototype.open;
  Document.prototype.open = function (...args) {
    const opened = open.apply(this, args);
    listen(this);
    return opened;
  };
}

/**
 * Runs in every frame too. A webview's frames are sandboxed without `allow-modals`, so an injected
 * `alert(…)` that did run would open no dialog for Playwright to see: it is reported here instead,
 * before the browser ignores it.
 */
function reportScriptDialogs() {
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const original = window[name];
    if (typeof original !== 'function') continue;
    window[name] = function (...args) {
      console.error(`[e2e-dialog] ${name}(${args.map((a) => JSON.stringify(String(a))).join(', ')}) called in ${location.href}`);
      return original.apply(this, args);
    };
  }
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
