#!/usr/bin/env node
// Runs the integration suite inside a real VS Code, offline: code-server (installed by
// scripts/setup-vscode.sh) serves VS Code 1.100, headless Chromium opens its workbench, and the
// workbench URL's `payload` loads this repository as the development extension and the compiled
// suite as its tests. The tests run in code-server's Node extension host, so they see the same
// Node APIs (fs, child_process, the AWS SDK) as the extension does for a user.
//
// Why not the code-server CLI: it rejects --extensionDevelopmentPath/--extensionTestsPath. The
// workbench honours the same two options from `?payload=` and reports the result through
// window.codeAutomationExit, the hook @vscode/test-web uses.
//
// It builds nothing: run `node esbuild.mjs` and `npx tsc -p tsconfig.json` first.
//
// Usage: node test/integration/runInVsCode.mjs [--workspace DIR] [--suite FILE] [--timeout SECONDS]
//                                              [--env NAME=VALUE ...] [--verbose]
// The same options as environment variables: INTEGRATION_WORKSPACE, INTEGRATION_SUITE,
// INTEGRATION_TIMEOUT, INTEGRATION_ENV (a JSON object), INTEGRATION_VERBOSE=1; CHROMIUM_PATH.
// The last line on stdout is always `integration: N passed, N failed`; the exit code is 0 only when
// the suite ran, nothing failed and the extension activated without logging an error.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const extensionId = 'sagemaker-hf.sagemaker-hf-trainer';
const codeServerEntry = path.join(repoRoot, '.tools', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const defaultSuite = path.join(repoRoot, 'out', 'test', 'integration', 'suite', 'index.js');
const defaultWorkspaceFixture = path.join(repoRoot, 'test', 'fixtures', 'workspace');
const defaultTimeoutSeconds = 300;
const tallyPattern = /(\d+) passed, (\d+) failed\s*$/;
// Must match outputTagVariable in suite/index.ts.
const outputTagVariable = 'SAGEMAKER_HF_TEST_OUTPUT_TAG';

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

// Inherited variables that must not reach the extension host: credentials would let a test talk to
// real AWS or the real Hub, and a VS Code terminal's VSCODE_* variables make code-server try to hand
// the folder over to that VS Code instead of serving it.
const withheldEnv = /^(AWS_|HF_|HUGGING_FACE_|VSCODE_|ELECTRON_)/;

export class IntegrationRunError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'IntegrationRunError';
    this.code = code;
  }
}

/**
 * @typedef {object} IntegrationOptions
 * @property {string} [workspace] folder to open; default: a copy of test/fixtures/workspace
 * @property {string} [suite] compiled test entry (exports `run`); default out/test/integration/suite/index.js
 * @property {number} [timeoutSeconds] whole-session limit; default 300
 * @property {Record<string, string>} [env] extra environment for the extension host
 * @property {boolean} [verbose] also print the workbench's own log and the browser console
 * @property {(line: string) => void} [onOutput] receives the extension host's output; default stdout
 *
 * @typedef {object} IntegrationResult
 * @property {number} exitCode 0 when everything passed
 * @property {number} passed
 * @property {number} failed the suite's failures, plus one when the run failed for another reason
 * @property {string | undefined} failure why the run failed, when it did
 * @property {NodeJS.Signals | undefined} interrupted the signal that stopped the run, if one did
 */

/**
 * Runs the suite in one code-server + Chromium session and cleans up after itself.
 * @param {IntegrationOptions} options
 * @returns {Promise<IntegrationResult>}
 */
export async function runInVsCode(options = {}) {
  const suite = path.resolve(options.suite ?? defaultSuite);
  const timeoutSeconds = options.timeoutSeconds ?? defaultTimeoutSeconds;
  const print = options.onOutput ?? ((line) => process.stdout.write(`${line}\n`));
  const diag = (text) => process.stderr.write(`integration: ${text.replace(/\n/g, '\n    ')}\n`);

  checkPrerequisites(suite);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-it-'));
  const dirs = prepareSessionDirs(tmp);
  const workspace = options.workspace ? path.resolve(options.workspace) : copyDefaultWorkspace(tmp);
  const previousTmpdir = process.env.TMPDIR;
  // Playwright puts its own scratch files under os.tmpdir(); keep them inside the session folder.
  process.env.TMPDIR = dirs.tmp;

  /** @type {import('node:child_process').ChildProcess | undefined} */
  let codeServer;
  /** @type {import('playwright-core').BrowserContext | undefined} */
  let browser;
  /** @type {{ passed: number, failed: number } | undefined} */
  let tally;
  /** @type {string | undefined} */
  let failure;
  let exitCode = 1;
  /** The workbench's own log lines: printed when the run fails, since they often say why. */
  const workbenchLog = [];

  // Everything below races against `stop`: a timeout, a signal or code-server dying ends the wait
  // at whatever step it is in, and the finally block cleans up.
  let stopWith = (/** @type {Error} */ _error) => {};
  /** @type {Promise<never>} */
  const stop = new Promise((_, reject) => {
    stopWith = reject;
  });
  stop.catch(() => {});
  const guard = (promise) => Promise.race([promise, stop]);
  // Ends the loops that `stop` abandoned, so nothing keeps polling after the finally block.
  const session = new AbortController();
  /** @type {Promise<import('playwright-core').BrowserContext> | undefined} */
  let launching;

  const timer = setTimeout(
    () => stopWith(new IntegrationRunError('Timeout', `no result after ${timeoutSeconds} s; raise it with --timeout if the suite is legitimately slow`)),
    timeoutSeconds * 1000,
  );
  let interrupted;
  const onSignal = (signal) => {
    if (interrupted) {
      // A second Ctrl-C: stop waiting for a graceful shutdown.
      killGroup(codeServer, 'SIGKILL');
      fs.rmSync(tmp, { recursive: true, force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    interrupted = signal;
    stopWith(new IntegrationRunError('Interrupted', `stopped by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Last resort when this process dies without reaching `finally` (an uncaught error).
  const onExit = () => {
    killGroup(codeServer, 'SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  // A closed pipe (`| head`) must not crash the run before it has cleaned up.
  const ignoreWriteError = () => {};
  process.stdout.on('error', ignoreWriteError);
  process.stderr.on('error', ignoreWriteError);

  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // See outputTagVariable in suite/index.ts: tells the suite's output apart from the workbench's.
    const outputTag = `[it-${randomBytes(6).toString('hex')}]`;
    const env = { ...extensionHostEnv(dirs, options.env ?? {}), [outputTagVariable]: outputTag };
    codeServer = startCodeServer(port, dirs, env, timeoutSeconds);
    const exited = new Promise((resolve) => codeServer.once('exit', resolve));
    exited.then((code) => stopWith(new IntegrationRunError('CodeServerExited', `code-server exited early (code ${code})`)));

    await guard(waitForHealth(base, session.signal));
    const remoteAuthority = await guard(readRemoteAuthority(base));

    launching = chromium.launchPersistentContext(dirs.chromiumProfile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: chromiumFlags,
      env: { ...env, HOME: dirs.home },
      // This script owns signal handling, so that code-server and the temp folder go too.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
    browser = await guard(launching);
    const page = browser.pages()[0] ?? (await guard(browser.newPage()));

    /** @type {(code: number) => void} */
    let reportExit = () => {};
    const extensionHostExit = new Promise((resolve) => {
      reportExit = resolve;
    });
    // Both hooks must exist before the workbench script runs, hence before navigation.
    await guard(page.exposeFunction('codeAutomationExit', (code) => reportExit(Number(code))));
    await guard(
      page.exposeFunction('codeAutomationLog', (level, args) => {
        const line = format(...(Array.isArray(args) ? args : [args]));
        if (line.startsWith(outputTag)) {
          const testOutput = line.slice(outputTag.length);
          const match = tallyPattern.exec(testOutput);
          if (match) tally = { passed: Number(match[1]), failed: Number(match[2]) };
          print(testOutput);
        } else {
          workbenchLog.push(`[${level}] ${line}`);
          if (workbenchLog.length > 40) workbenchLog.shift();
          if (options.verbose) diag(`[workbench ${level}] ${line}`);
        }
      }),
    );
    await guard(browser.addInitScript(enableSmokeTestDriver));
    page.on('crash', () => stopWith(new IntegrationRunError('BrowserCrashed', 'the workbench page crashed')));
    if (options.verbose) {
      page.on('console', (message) => diag(`[browser ${message.type()}] ${message.text()}`));
    }

    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${remoteAuthority}${repoRoot}`],
      ['extensionTestsPath', `vscode-remote://${remoteAuthority}${suite.replace(/\.js$/, '')}`],
    ];
    const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await guard(page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 }));

    exitCode = await guard(extensionHostExit);
    if (exitCode !== 0) failure = `the extension host exited with code ${exitCode}`;
    else if (!tally) failure = 'the suite did not print its `N passed, N failed` line';
  } catch (error) {
    failure = error instanceof IntegrationRunError ? error.message : `${error?.stack ?? error}`;
    exitCode = 1;
  } finally {
    clearTimeout(timer);
    session.abort();
    // A launch cut short by `stop` still finishes in the background; close what it opens.
    browser ??= await launching?.catch(() => undefined);
    await browser?.close().catch(() => {});
    await stopCodeServer(codeServer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    process.stdout.off('error', ignoreWriteError);
    process.stderr.off('error', ignoreWriteError);
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }

  // Read the logs only now: code-server has exited and flushed them.
  const extensionHostLog = findExtensionHostLog(dirs.userData);
  const activationError = extensionHostLog && findActivationError(fs.readFileSync(extensionHostLog, 'utf8'));
  if (activationError) {
    const message = `${extensionId} logged an activation error: ${activationError}`;
    failure = failure ? `${failure}; ${message}` : message;
  }

  if (failure) {
    diag(`FAILED: ${failure}`);
    if (workbenchLog.length > 0) {
      diag(`--- last ${workbenchLog.length} lines of the workbench log ---`);
      for (const line of workbenchLog) diag(`  ${line}`);
    }
    printTail('code-server log', dirs.codeServerLog, 40, diag);
    if (extensionHostLog) printTail('extension host log', extensionHostLog, 60, diag);
    else diag('no extension host log was written (the extension host never started)');
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  const passed = tally?.passed ?? 0;
  // A failing run never reports "0 failed": a crash, timeout or activation error counts as one.
  const failed = (tally?.failed ?? 0) + (failure && !(tally?.failed > 0) ? 1 : 0);
  return { exitCode: failure ? 1 : 0, passed, failed, failure, interrupted };
}

function checkPrerequisites(suite) {
  if (!fs.existsSync(codeServerEntry)) {
    throw new IntegrationRunError('CodeServerMissing', `code-server is not installed in .tools/code-server; run \`bash scripts/setup-vscode.sh\``);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const main = path.resolve(repoRoot, manifest.main ?? 'dist/extension.js');
  if (!fs.existsSync(main)) {
    throw new IntegrationRunError('ExtensionNotBuilt', `${path.relative(repoRoot, main)} does not exist; build the extension first with \`node esbuild.mjs\``);
  }
  if (!fs.existsSync(suite)) {
    throw new IntegrationRunError('SuiteNotCompiled', `${suite} does not exist; compile the tests first with \`npx tsc -p tsconfig.json\``);
  }
}

function prepareSessionDirs(tmp) {
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
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
  };
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  // An explicit (empty) config keeps code-server from writing ~/.config/code-server/config.yaml.
  fs.writeFileSync(dirs.codeServerConfig, '');
  return dirs;
}

function copyDefaultWorkspace(tmp) {
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(defaultWorkspaceFixture, workspace, { recursive: true });
  return workspace;
}

function extensionHostEnv(dirs, extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !withheldEnv.test(name)));
  return {
    ...env,
    // code-server leaves sockets in TMPDIR, VS Code and Chromium write under HOME and XDG_*.
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    XDG_STATE_HOME: dirs.xdgState,
    XDG_RUNTIME_DIR: dirs.xdgRuntime,
    // The extension host is node 20; every AWS SDK client would warn about it on each test.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Offline, the SDK's credential chain would otherwise wait on the EC2 metadata endpoint.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

function startCodeServer(port, dirs, env, timeoutSeconds) {
  const args = [
    // coreutils' timeout bounds code-server's life even if this process is SIGKILLed and never
    // cleans up (a CI job cancelled hard); it signals the whole process group when it fires.
    '--kill-after=5',
    `${timeoutSeconds + 30}`,
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
  ];
  const log = fs.openSync(dirs.codeServerLog, 'a');
  // Its own process group, so the extension host and the other helpers it forks go with it.
  const child = spawn('timeout', args, { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  return child;
}

function killGroup(child, signal) {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopCodeServer(child) {
  if (!child?.pid) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
  killGroup(child, 'SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
  // Also after a clean exit: helpers that outlived the server would hold the temp folder open.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is empty.
  }
  if (!graceful) await exited;
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

async function waitForHealth(base, signal) {
  while (!signal.aborted) {
    try {
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(100);
  }
}

/** The authority the workbench uses for files on the server, from its configuration meta tag. */
async function readRemoteAuthority(base) {
  const html = await (await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) })).text();
  const tag = /<meta\b[^>]*\bid="vscode-workbench-web-configuration"[^>]*>/.exec(html)?.[0];
  const settings = tag && /\bdata-settings="([^"]*)"/.exec(tag)?.[1];
  if (!settings) throw new IntegrationRunError('NoWorkbenchConfiguration', 'the workbench page has no vscode-workbench-web-configuration meta tag; is this code-server?');
  const decoded = settings.replace(/&(quot|amp|lt|gt|#39|apos);/g, (_, entity) => ({ quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'", apos: "'" })[entity]);
  const authority = JSON.parse(decoded).remoteAuthority;
  if (!authority) throw new IntegrationRunError('NoRemoteAuthority', 'the workbench configuration names no remoteAuthority');
  return authority;
}

/**
 * Runs in the page before the workbench starts. VS Code ≥ 1.139 ignores `?payload=` in built
 * products unless developmentOptions.enableSmokeTestDriver is set; 1.100 does not need it but
 * accepts it, so the driver works across the code-server upgrade. Patching the attribute read
 * instead of rewriting the HTML matters: a rewritten response makes Chromium block the workbench's
 * WebSocket to 127.0.0.1 (local network access checks).
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

function findExtensionHostLog(userData) {
  const logs = path.join(userData, 'logs');
  if (!fs.existsSync(logs)) return undefined;
  const found = fs
    .readdirSync(logs, { recursive: true })
    .map(String)
    .filter((file) => /exthost[^/]*\.log$/.test(path.basename(file)))
    .map((file) => path.join(logs, file));
  // With several sessions in one user-data-dir, the newest is this one.
  return found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/** The first error line that reports our extension failing to activate, if any. */
function findActivationError(log) {
  const lines = log.split('\n');
  const index = lines.findIndex((line) => /\[error\]/i.test(line) && line.includes(extensionId) && /activat/i.test(line));
  if (index < 0) return undefined;
  // VS Code logs the heading and the error itself on separate lines.
  return lines.slice(index, index + 3).join(' | ').replace(/\s+/g, ' ').trim();
}

function printTail(title, file, count, write) {
  if (!fs.existsSync(file)) return;
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count);
  write(`--- last ${lines.length} lines of the ${title} (${path.basename(file)}) ---`);
  for (const line of lines) write(`  ${line}`);
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseCommandLine(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      workspace: { type: 'string' },
      suite: { type: 'string' },
      timeout: { type: 'string' },
      env: { type: 'string', multiple: true },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    const header = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0];
    process.stdout.write(`${header.replace(/^#!.*\n/, '').replace(/^\/\/ ?/gm, '')}\n`);
    process.exit(0);
  }
  const env = {};
  if (process.env.INTEGRATION_ENV) Object.assign(env, JSON.parse(process.env.INTEGRATION_ENV));
  for (const pair of values.env ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new IntegrationRunError('BadOption', `--env expects NAME=VALUE, got "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const timeout = Number(values.timeout ?? process.env.INTEGRATION_TIMEOUT ?? defaultTimeoutSeconds);
  if (!(timeout > 0)) throw new IntegrationRunError('BadOption', `--timeout expects a number of seconds, got "${values.timeout ?? process.env.INTEGRATION_TIMEOUT}"`);
  return {
    workspace: values.workspace ?? process.env.INTEGRATION_WORKSPACE,
    suite: values.suite ?? process.env.INTEGRATION_SUITE,
    timeoutSeconds: timeout,
    env,
    verbose: values.verbose ?? process.env.INTEGRATION_VERBOSE === '1',
  };
}

async function main() {
  let result;
  try {
    result = await runInVsCode(parseCommandLine(process.argv.slice(2)));
  } catch (error) {
    // Raised before anything started (missing build, bad option): nothing to clean up.
    const expected = error instanceof IntegrationRunError || String(error?.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`integration: ${expected ? error.message : error?.stack ?? error}\n`);
    result = { exitCode: 1, passed: 0, failed: 1 };
  }
  process.stdout.write(`integration: ${result.passed} passed, ${result.failed} failed\n`);
  const signalCode = result.interrupted === 'SIGINT' ? 130 : result.interrupted === 'SIGTERM' ? 143 : undefined;
  process.exitCode = signalCode ?? result.exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
