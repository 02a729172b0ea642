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
//                                              [--env NAME=VALUE ...] [--untrusted] [--only FILE ...]
//                                              [--verbose]
// --untrusted turns Workspace Trust on and opens the folder untrusted (Restricted Mode); by default
// trust is off, so the folder is trusted. --only runs just the named suite files (e.g.
// workspaceSettings.test.js) instead of every *.test.js: scripts/test.mjs uses both for a second,
// small run that checks what an untrusted workspace can and cannot do.
// The same options as environment variables: INTEGRATION_WORKSPACE, INTEGRATION_SUITE,
// INTEGRATION_TIMEOUT, INTEGRATION_ENV (a JSON object), INTEGRATION_UNTRUSTED=1, INTEGRATION_ONLY
// (comma-separated), INTEGRATION_VERBOSE=1; CHROMIUM_PATH.
// The last line on stdout is always `integration: N passed, N failed`; the exit code is 0 only when
// the suite ran, nothing failed and the extension activated without logging an error.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, parseArgs } from 'node:util';
import { WorkbenchSession, WorkbenchSessionError, extensionId, repoRoot, untilAborted, workbenchSetupProblem } from '../codeServer/workbenchSession.mjs';

const defaultSuite = path.join(repoRoot, 'out', 'test', 'integration', 'suite', 'index.js');
const defaultWorkspaceFixture = path.join(repoRoot, 'test', 'fixtures', 'workspace');
const defaultTimeoutSeconds = 300;
const tallyPattern = /(\d+) passed, (\d+) failed\s*$/;
// Must match outputTagVariable, onlyFilesVariable and workspaceTrustVariable in suite/index.ts.
const outputTagVariable = 'SAGEMAKER_HF_TEST_OUTPUT_TAG';
const onlyFilesVariable = 'SAGEMAKER_HF_TEST_ONLY';
const workspaceTrustVariable = 'SAGEMAKER_HF_TEST_WORKSPACE_TRUST';

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
 * @property {'off' | 'untrusted'} [workspaceTrust] 'off' (default): the folder is trusted; 'untrusted':
 *   Workspace Trust on and the folder opened in Restricted Mode
 * @property {string[]} [only] suite file names (e.g. workspaceSettings.test.js) to run instead of all
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
  // See outputTagVariable in suite/index.ts: tells the suite's output apart from the workbench's.
  const outputTag = `[it-${randomBytes(6).toString('hex')}]`;
  const workspaceTrust = options.workspaceTrust ?? 'off';
  const session = new WorkbenchSession({
    root: tmp,
    // The suite is the test entry of the payload, which newer workbenches load only with the driver.
    smokeTestDriver: true,
    workspaceTrust,
    env: {
      ...options.env,
      [outputTagVariable]: outputTag,
      // The suite checks that the folder's trust is the one asked for, so an untrusted run cannot pass trusted.
      [workspaceTrustVariable]: workspaceTrust,
      ...(options.only?.length ? { [onlyFilesVariable]: options.only.join(',') } : {}),
    },
    // code-server outlives the session limit a little, so that the timeout below is what reports.
    lifetimeSeconds: timeoutSeconds + 30,
  });
  const dirs = session.dirs;
  const workspace = options.workspace ? path.resolve(options.workspace) : copyDefaultWorkspace(tmp);
  const previousTmpdir = process.env.TMPDIR;
  // Playwright puts its own scratch files under os.tmpdir(); keep them inside the session folder.
  process.env.TMPDIR = dirs.tmp;

  /** @type {{ passed: number, failed: number } | undefined} */
  let tally;
  /** @type {string | undefined} */
  let failure;
  /** The workbench's own log lines: printed when the run fails, since they often say why. */
  const workbenchLog = [];

  // Everything below races against `run`: a timeout, a signal or code-server dying aborts it and ends
  // the wait at whatever step it is in, and the finally block cleans up.
  const run = new AbortController();
  const stopWith = (/** @type {Error} */ error) => run.abort(error);
  const guard = (promise) => untilAborted(promise, run.signal);

  const timer = setTimeout(
    () => stopWith(new IntegrationRunError('Timeout', `no result after ${timeoutSeconds} s; raise it with --timeout if the suite is legitimately slow`)),
    timeoutSeconds * 1000,
  );
  let interrupted;
  const onSignal = (signal) => {
    if (interrupted) {
      // A second Ctrl-C: stop waiting for a graceful shutdown.
      session.killNow();
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
    session.killNow();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  // A closed pipe (`| head`) must not crash the run before it has cleaned up.
  const ignoreWriteError = () => {};
  process.stdout.on('error', ignoreWriteError);
  process.stderr.on('error', ignoreWriteError);

  try {
    // Never rejects (it resolves when code-server exits): a watcher, not a step to await.
    void session.codeServerExited.then((code) => stopWith(new IntegrationRunError('CodeServerExited', `code-server exited early (code ${code})`)));
    await guard(session.start({ signal: run.signal }));
    const { page } = session;

    const { exitCode: extensionHostExit } = await guard(
      session.watchTestRun((level, args) => {
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
    page.on('crash', () => stopWith(new IntegrationRunError('BrowserCrashed', 'the workbench page crashed')));
    if (options.verbose) {
      page.on('console', (message) => diag(`[browser ${message.type()}] ${message.text()}`));
    }

    await guard(session.openWorkbench({ folder: workspace, extensionDevelopmentPaths: [repoRoot], extensionTestsPath: suite }));

    const exitCode = await guard(extensionHostExit);
    if (exitCode !== 0) failure = `the extension host exited with code ${exitCode}`;
    else if (!tally) failure = 'the suite did not print its `N passed, N failed` line';
  } catch (error) {
    failure = error instanceof IntegrationRunError || error instanceof WorkbenchSessionError ? error.message : `${error?.stack ?? error}`;
  } finally {
    clearTimeout(timer);
    // Ends whatever wait is still polling, and makes code-server's exit below no news.
    run.abort();
    await session.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    process.stdout.off('error', ignoreWriteError);
    process.stderr.off('error', ignoreWriteError);
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }

  // Read the logs only now: code-server has exited and flushed them.
  const extensionHostLog = findExtensionHostLog(session);
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
  const problem = workbenchSetupProblem();
  if (problem) throw new IntegrationRunError('WorkbenchUnavailable', problem);
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const main = path.resolve(repoRoot, manifest.main ?? 'dist/extension.js');
  if (!fs.existsSync(main)) {
    throw new IntegrationRunError('ExtensionNotBuilt', `${path.relative(repoRoot, main)} does not exist; build the extension first with \`node esbuild.mjs\``);
  }
  if (!fs.existsSync(suite)) {
    throw new IntegrationRunError('SuiteNotCompiled', `${suite} does not exist; compile the tests first with \`npx tsc -p tsconfig.json\``);
  }
}

function copyDefaultWorkspace(tmp) {
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(defaultWorkspaceFixture, workspace, { recursive: true });
  return workspace;
}

function findExtensionHostLog(session) {
  const found = session.logFiles(/exthost[^/]*\.log$/);
  // With several sessions in one user-data-dir, the newest is this one.
  return found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/** The first error line that reports our extension failing to activate, if any. */
function findActivationError(log) {
  const lines = log.split('\n');
  const index = lines.findIndex((line) => /\[error\]/i.test(line) && line.includes(extensionId) && /activat/i.test(line));
  if (index < 0) return undefined;
  // VS Code logs the heading and the error itself on separate lines.
  return lines
    .slice(index, index + 3)
    .join(' | ')
    .replace(/\s+/g, ' ')
    .trim();
}

function printTail(title, file, count, write) {
  if (!fs.existsSync(file)) return;
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count);
  write(`--- last ${lines.length} lines of the ${title} (${path.basename(file)}) ---`);
  for (const line of lines) write(`  ${line}`);
}

function parseCommandLine(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      workspace: { type: 'string' },
      suite: { type: 'string' },
      timeout: { type: 'string' },
      env: { type: 'string', multiple: true },
      untrusted: { type: 'boolean' },
      only: { type: 'string', multiple: true },
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
    workspaceTrust: values.untrusted || process.env.INTEGRATION_UNTRUSTED === '1' ? 'untrusted' : 'off',
    only:
      values.only ??
      (process.env.INTEGRATION_ONLY
        ? process.env.INTEGRATION_ONLY.split(',')
            .map((f) => f.trim())
            .filter(Boolean)
        : undefined),
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
    process.stderr.write(`integration: ${expected ? error.message : (error?.stack ?? error)}\n`);
    result = { exitCode: 1, passed: 0, failed: 1 };
  }
  process.stdout.write(`integration: ${result.passed} passed, ${result.failed} failed\n`);
  const signalCode = result.interrupted === 'SIGINT' ? 130 : result.interrupted === 'SIGTERM' ? 143 : undefined;
  process.exitCode = signalCode ?? result.exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
