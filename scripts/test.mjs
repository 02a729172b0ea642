// The whole test suite, as the README and CI run it: set up what the tests need (idempotent),
// build, type-check, lint, then unit tests in plain node, then the suites inside a real VS Code.
// Closes with one line `N passed, N failed` summed over every stage.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const only = ['--lint', '--unit', '--integration', '--e2e', '--bench'].filter((a) => args.has(a));
const want = (stage) => only.length === 0 || only.includes(`--${stage}`);
const total = { passed: 0, failed: 0, skipped: 0 };
const stageResults = [];

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', env: { ...process.env, ...opts.env } });
    let out = '';
    if (opts.capture) {
      child.stdout.on('data', (d) => {
        out += d;
        process.stdout.write(d);
      });
    }
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

function record(stage, passed, failed, skipped = 0) {
  total.passed += passed;
  total.failed += failed;
  total.skipped += skipped;
  stageResults.push(`${stage}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}

function finish() {
  console.log('');
  for (const line of stageResults) console.log(`  ${line}`);
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  process.exit(total.failed > 0 ? 1 : 0);
}

const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

if (!args.has('--no-setup') && (want('integration') || want('e2e') || want('unit'))) {
  const setup = await run('bash', ['scripts/setup-test-env.sh', ...(want('integration') || want('e2e') ? [] : ['--unit'])], { env });
  if (setup.code !== 0) {
    record('setup', 0, 1);
    finish();
  }
}

console.log('▶ build');
const build = await run('node', ['esbuild.mjs'], { env });
console.log('▶ type-check and compile tests');
rmSync(path.join(root, 'out'), { recursive: true, force: true });
const tsc = await run('npx', ['tsc', '-p', 'tsconfig.json'], { env });
const tscWebview = await run('npx', ['tsc', '-p', 'tsconfig.webview.json'], { env });
if (build.code !== 0 || tsc.code !== 0 || tscWebview.code !== 0) {
  record('build', 0, 1);
  finish();
}

// ESLint and `prettier --check` (npm run lint): one check, counted as 1 passed or 1 failed.
if (want('lint')) {
  console.log('▶ lint (eslint, prettier --check)');
  const lint = await run('npm', ['run', '--silent', 'lint'], { env });
  record('lint', lint.code === 0 ? 1 : 0, lint.code === 0 ? 0 : 1);
}

if (want('unit')) {
  console.log('▶ unit tests (node --test)');
  const dir = path.join(root, 'out/test/unit');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.test.js'))
        .map((f) => path.join('out/test/unit', f))
    : [];
  mkdirSync(path.join(root, 'test-results'), { recursive: true });
  const countsFile = path.join(root, 'test-results/unit-counts.json');
  rmSync(countsFile, { force: true });
  const res = await run(
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/testCountReporter.mjs',
      `--test-reporter-destination=${countsFile}`,
      ...files,
    ],
    { env },
  );
  let counts = { passed: 0, failed: files.length ? 0 : 1, skipped: 0 };
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    counts.failed = Math.max(1, counts.failed);
  }
  if (res.code !== 0 && counts.failed === 0) counts.failed = 1;
  record('unit', counts.passed, counts.failed, counts.skipped);
}

if (want('integration')) {
  console.log('▶ integration tests (extension inside code-server)');
  const res = await run('node', ['test/integration/runInVsCode.mjs'], { env, capture: true });
  const m = /integration: (\d+) passed, (\d+) failed/.exec(res.out);
  if (m) record('integration', Number(m[1]), Number(m[2]) || (res.code !== 0 ? 1 : 0));
  else record('integration', 0, 1);
  // The run above has Workspace Trust off (the folder trusted); what a repository's settings may do
  // must also hold in Restricted Mode. A second, small session: one suite file, the folder untrusted.
  console.log('▶ integration tests in an untrusted workspace (Restricted Mode)');
  const untrusted = await run('node', ['test/integration/runInVsCode.mjs', '--untrusted', '--only', 'workspaceSettings.test.js'], { env, capture: true });
  const u = /integration: (\d+) passed, (\d+) failed/.exec(untrusted.out);
  if (u) record('integration (untrusted workspace)', Number(u[1]), Number(u[2]) || (untrusted.code !== 0 ? 1 : 0));
  else record('integration (untrusted workspace)', 0, 1);
}

if (want('e2e') && existsSync(path.join(root, 'test/e2e/journey.mjs'))) {
  console.log('▶ end-to-end journey (browser)');
  const res = await run('node', ['test/e2e/journey.mjs'], { env, capture: true });
  const m = /e2e: (\d+) passed, (\d+) failed/.exec(res.out);
  if (m) record('e2e', Number(m[1]), Number(m[2]) || (res.code !== 0 ? 1 : 0));
  else record('e2e', 0, 1);
}

// Benchmarks in quick mode: only that each still runs (no timing is asserted anywhere).
if (want('bench') && existsSync(path.join(root, 'bench/run.mjs'))) {
  console.log('▶ benchmarks, quick mode (they run; figures are in docs/PERFORMANCE.md)');
  const res = await run('node', ['bench/run.mjs', '--quick'], { env, capture: true });
  const m = /bench: (\d+) passed, (\d+) failed/.exec(res.out);
  if (m) record('bench', Number(m[1]), Number(m[2]) || (res.code !== 0 ? 1 : 0));
  else record('bench', 0, 1);
}

finish();
