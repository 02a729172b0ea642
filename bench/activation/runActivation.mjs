// One fresh VS Code window per call, to time activate() of a development extension: code-server
// (installed by scripts/setup-vscode.sh) serves VS Code, headless Chromium opens the workbench with a
// `payload` naming the extension folder(s) and bench/.build/activation/activationProbe.js as the test
// entry, and the probe writes its timings to a file. The same mechanism as
// test/integration/runInVsCode.mjs, which always loads the repository root; this variant takes any
// folder, so the baseline (bench/fixtures/emptyExtension) loads exactly the same way.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const codeServerEntry = path.join(repoRoot, '.tools', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Why a window cannot be opened here, or undefined. */
export function activationSetupProblem() {
  if (!fs.existsSync(codeServerEntry)) return 'code-server is not installed in .tools/code-server; run `bash scripts/setup-vscode.sh`';
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) return `no Chromium at ${chromiumPath}`;
  return undefined;
}

/**
 * @param {{ extensionPaths: string[], probe: string, activate: string[], timeoutSeconds?: number, cpuProfileFile?: string, listPackagesUnder?: string }} options
 *   listPackagesUnder: a node_modules folder; the probe then reports which of its packages were loaded once the activations are done
 * @returns {Promise<{ samples: Array<{ id: string, activeBefore: boolean, ms: number, error?: string }>, packages?: string[], windowMs: number }>}
 */
export async function timeActivation(options) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-bench-activation-'));
  const dirs = Object.fromEntries(['userData', 'extensions', 'home', 'tmp', 'chromium', 'workspace', 'xdg'].map((d) => [d, path.join(tmp, d)]));
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
  }));
  const configFile = path.join(tmp, 'code-server.yaml');
  fs.writeFileSync(configFile, '');
  const resultFile = path.join(tmp, 'result.json');
  const timeoutSeconds = options.timeoutSeconds ?? 120;
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|HF_|HUGGING_FACE_|VSCODE_|ELECTRON_)/.test(k))),
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    XDG_STATE_HOME: path.join(dirs.xdg, 'state'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    BENCH_ACTIVATE_IDS: options.activate.join(','),
    BENCH_RESULT_FILE: resultFile,
    ...(options.cpuProfileFile ? { BENCH_CPU_PROFILE_FILE: path.resolve(options.cpuProfileFile) } : {}),
    ...(options.listPackagesUnder ? { BENCH_LIST_PACKAGES_UNDER: options.listPackagesUnder } : {}),
  };
  let codeServer;
  let browser;
  const started = performance.now();
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const log = fs.openSync(path.join(tmp, 'code-server.log'), 'a');
    // coreutils' timeout bounds code-server's life even if this process dies without cleaning up.
    codeServer = spawn('timeout', ['--kill-after=5', String(timeoutSeconds + 30), process.execPath, codeServerEntry,
      '--config', configFile, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'],
    { detached: true, stdio: ['ignore', log, log], env });
    fs.closeSync(log);
    const deadline = Date.now() + timeoutSeconds * 1000;
    await waitForHealth(base, deadline);
    const authority = await remoteAuthority(base);
    browser = await chromium.launchPersistentContext(dirs.chromium, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--disable-sync'],
      env: { ...env, HOME: dirs.home },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    let exited;
    const exit = new Promise((resolve) => {
      exited = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code) => exited(Number(code)));
    await page.exposeFunction('codeAutomationLog', () => {});
    await browser.addInitScript(enableSmokeTestDriver);
    const payload = [
      ...options.extensionPaths.map((p) => ['extensionDevelopmentPath', `vscode-remote://${authority}${path.resolve(p)}`]),
      ['extensionTestsPath', `vscode-remote://${authority}${path.resolve(options.probe).replace(/\.js$/, '')}`],
    ];
    await page.goto(`${base}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    let timer;
    const code = await Promise.race([exit, new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(1000, deadline - Date.now()));
    })]);
    clearTimeout(timer);
    if (code === 'timeout') throw new Error(`the window did not finish within ${timeoutSeconds} s`);
    if (!fs.existsSync(resultFile)) throw new Error(`the extension host exited (code ${code}) without writing its timings; see ${path.join(tmp, 'code-server.log')}`);
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    return { ...result, windowMs: performance.now() - started };
  } finally {
    await browser?.close().catch(() => {});
    if (codeServer?.pid) {
      const gone = codeServer.exitCode !== null ? Promise.resolve() : new Promise((resolve) => codeServer.once('exit', resolve));
      try {
        process.kill(-codeServer.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
      try {
        process.kill(-codeServer.pid, 'SIGKILL');
      } catch {
        // The group is empty.
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, deadline) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('code-server did not answer /healthz in time');
}

async function remoteAuthority(base) {
  const html = await (await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) })).text();
  const tag = /<meta\b[^>]*\bid="vscode-workbench-web-configuration"[^>]*>/.exec(html)?.[0];
  const settings = tag && /\bdata-settings="([^"]*)"/.exec(tag)?.[1];
  if (!settings) throw new Error('the workbench page has no configuration meta tag; is this code-server?');
  const decoded = settings.replace(/&(quot|amp|lt|gt|#39|apos);/g, (_, e) => ({ quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'", apos: "'" })[e]);
  return JSON.parse(decoded).remoteAuthority;
}

/** See runInVsCode.mjs: newer workbenches honour `?payload=` only with the smoke-test driver enabled. */
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
