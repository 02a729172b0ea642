#!/usr/bin/env node
// Runs the integration suite in desktop VS Code through @vscode/test-electron, for contributors who
// are online. It runs the same suite entry as test/integration/runInVsCode.mjs (the offline,
// code-server route that CI uses), so the two can be compared on one machine.
//
// test-electron downloads VS Code from Microsoft's update service on first use (cached in
// .vscode-test/); without internet access that fails, and this script says so and exits 1.
// On Linux without a display, run it under `xvfb-run -a`.
//
// It builds nothing: run `node esbuild.mjs` and `npx tsc -p tsconfig.json` first.
//
// Usage: node scripts/test-electron.mjs [--version 1.100.3|stable|insiders] [--executable PATH]
//                                       [--workspace DIR] [--suite FILE] [--env NAME=VALUE ...]
// --executable (or VSCODE_TEST_EXECUTABLE) uses a VS Code already on this machine and skips the download.
// The last line on stdout is `integration: N passed, N failed`, as with runInVsCode.mjs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { downloadAndUnzipVSCode, runTests, TestRunFailedError } from '@vscode/test-electron';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The VS Code that code-server 4.100.3 bundles, so both runners test against the same API; it is
// also the lowest release engines.vscode (^1.100.0) allows.
const defaultVersion = '1.100.3';
const tallyPattern = /(\d+) passed, (\d+) failed\s*$/;

const { values } = parseArgs({
  options: {
    version: { type: 'string', default: process.env.VSCODE_TEST_VERSION ?? defaultVersion },
    executable: { type: 'string', default: process.env.VSCODE_TEST_EXECUTABLE },
    workspace: { type: 'string' },
    suite: { type: 'string', default: path.join(repoRoot, 'out', 'test', 'integration', 'suite', 'index.js') },
    env: { type: 'string', multiple: true, default: [] },
  },
});

const suite = path.resolve(values.suite);
for (const [file, hint] of [
  [path.join(repoRoot, 'dist', 'extension.js'), 'node esbuild.mjs'],
  [suite, 'npx tsc -p tsconfig.json'],
]) {
  if (!fs.existsSync(file)) fail(`${path.relative(repoRoot, file)} does not exist; run \`${hint}\` first`);
}

const extraEnv = {};
for (const pair of values.env) {
  const at = pair.indexOf('=');
  if (at <= 0) fail(`--env expects NAME=VALUE, got "${pair}"`);
  extraEnv[pair.slice(0, at)] = pair.slice(at + 1);
}

let vscodeExecutablePath = values.executable && path.resolve(values.executable);
if (vscodeExecutablePath && !fs.existsSync(vscodeExecutablePath)) fail(`--executable ${vscodeExecutablePath} does not exist`);
try {
  vscodeExecutablePath ??= await downloadAndUnzipVSCode({ version: values.version, cachePath: path.join(repoRoot, '.vscode-test') });
} catch (error) {
  fail(
    `could not download VS Code ${values.version}: ${error?.message ?? error}\n` +
      "  @vscode/test-electron needs internet access to Microsoft's update service the first time.\n" +
      '  Offline, run the same suite in code-server instead: bash scripts/setup-vscode.sh && node test/integration/runInVsCode.mjs',
  );
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-electron-'));
const userData = path.join(tmp, 'user-data');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
fs.writeFileSync(
  path.join(userData, 'User', 'settings.json'),
  JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false }),
);
let workspace = values.workspace && path.resolve(values.workspace);
if (!workspace) {
  workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
}

// Keep tests away from real accounts: the extension host inherits this process's environment, and
// a test that forgets its emulator endpoint must fail rather than reach AWS or the Hub.
for (const name of Object.keys(process.env)) {
  if (/^(AWS_|HF_|HUGGING_FACE_)/.test(name)) delete process.env[name];
}
const extensionTestsEnv = {
  AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'no-aws-credentials'),
  AWS_CONFIG_FILE: path.join(tmp, 'no-aws-config'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ...extraEnv,
};

// Pass VS Code's output through and pick up the suite's closing tally on the way.
let tally;
let pending = '';
const stdout = new Writable({
  write(chunk, _encoding, done) {
    process.stdout.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = tallyPattern.exec(line);
      if (match) tally = { passed: Number(match[1]), failed: Number(match[2]) };
    }
    done();
  },
});

let exitCode;
try {
  exitCode = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repoRoot,
    // Without .js, as runInVsCode.mjs passes it; the extension host resolves it either way.
    extensionTestsPath: suite.replace(/\.js$/, ''),
    extensionTestsEnv,
    stdout,
    launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userData}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
  });
} catch (error) {
  if (!(error instanceof TestRunFailedError)) process.stderr.write(`integration: ${error?.stack ?? error}\n`);
  exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const passed = tally?.passed ?? 0;
// As in runInVsCode.mjs: a failing run never reports "0 failed".
const failed = (tally?.failed ?? 0) + (exitCode !== 0 && !(tally?.failed > 0) ? 1 : 0);
process.stdout.write(`integration: ${passed} passed, ${failed} failed\n`);
process.exitCode = exitCode === 0 && tally ? 0 : 1;

function fail(message) {
  process.stderr.write(`integration: ${message}\n`);
  process.stdout.write('integration: 0 passed, 1 failed\n');
  process.exit(1);
}
