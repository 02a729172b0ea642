// The test entry VS Code loads into the extension host (the `extensionTestsPath` of a test run).
// Both runners use it: test/integration/runInVsCode.mjs (code-server, offline) and
// scripts/test-electron.mjs (desktop VS Code). Everything it reports goes through console, which
// the extension host forwards to whichever runner started it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Set by runInVsCode.mjs. In code-server the extension host's console reaches the runner through
 * the workbench's log, mixed with the workbench's own messages; this prefix on every console call
 * made during the run lets the runner print only ours. Unset under other runners.
 */
export const outputTagVariable = 'SAGEMAKER_HF_TEST_OUTPUT_TAG';

/** Set by runInVsCode.mjs --only: comma-separated suite file names to run instead of every *.test.js. */
export const onlyFilesVariable = 'SAGEMAKER_HF_TEST_ONLY';

/**
 * Set by runInVsCode.mjs: 'untrusted' when the folder was opened in Restricted Mode, 'off' when
 * Workspace Trust is disabled (the folder trusted). Unset under other runners.
 */
export const workspaceTrustVariable = 'SAGEMAKER_HF_TEST_WORKSPACE_TRUST';

/** The closing line runInVsCode.mjs looks for; keep the two in step. */
export function formatTally(passed: number, failed: number): string {
  return `${passed} passed, ${failed} failed`;
}

export class IntegrationTestsFailedError extends Error {
  readonly code = 'IntegrationTestsFailed';
  constructor(
    readonly passed: number,
    readonly failed: number,
  ) {
    super(`${failed} of ${passed + failed} integration tests failed; the spec report above names them.`);
    this.name = 'IntegrationTestsFailedError';
  }
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** Prefixes every console call with `tag`; returns the function that undoes it. */
function tagConsole(tag: string): () => void {
  const saved = consoleMethods.map((method) => [method, Object.getOwnPropertyDescriptor(console, method)] as const);
  for (const method of consoleMethods) {
    const forward = console[method];
    // The extension host installs its console forwarding as accessors whose setter ignores
    // assignment, so replacing a method takes defineProperty.
    Object.defineProperty(console, method, {
      configurable: true,
      enumerable: true,
      writable: true,
      value: (...args: unknown[]) => {
        // Keep a leading format string a format string, so '%s' placeholders still work; '%O'
        // prints a leading object the way console.log would have.
        const tagged = typeof args[0] === 'string' ? [tag + args[0], ...args.slice(1)] : args.length > 0 ? [`${tag}%O`, ...args] : [tag];
        forward.apply(console, tagged);
      },
    });
  }
  return () => {
    for (const [method, descriptor] of saved) {
      if (descriptor) Object.defineProperty(console, method, descriptor);
    }
  };
}

export async function run(): Promise<void> {
  const tag = process.env[outputTagVariable];
  const restoreConsole = tag ? tagConsole(tag) : () => {};
  // The spec reporter captured console.log when mocha was loaded, before the tagging above.
  const reporterLog = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = console.log;
  try {
    await runMocha();
  } finally {
    Mocha.reporters.Base.consoleLog = reporterLog;
    restoreConsole();
  }
}

async function runMocha(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 20_000,
    reporter: 'spec',
    // The output ends up in a CI log through the extension host's console bridge, which does not
    // understand ANSI colours.
    color: false,
  });

  // Every *.test.js next to this file (or those --only names); sorted so the order does not depend on the file system.
  const suiteDir = __dirname;
  const only = (process.env[onlyFilesVariable] ?? '').split(',').filter(Boolean);
  const all = fs
    .readdirSync(suiteDir)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  const missing = only.filter((name) => !all.includes(name));
  if (missing.length > 0) {
    console.log(formatTally(0, 1));
    throw new Error(`--only names ${missing.join(', ')}, which ${suiteDir} does not hold (it has ${all.join(', ') || 'no *.test.js'}).`);
  }
  const files = only.length > 0 ? all.filter((name) => only.includes(name)) : all;
  if (files.length === 0) {
    console.log(formatTally(0, 1));
    throw new Error(`No *.test.js files in ${suiteDir}; compile the tests first with \`npx tsc -p tsconfig.json\`.`);
  }
  for (const name of files) {
    mocha.addFile(path.join(suiteDir, name));
  }

  const { passed, failed } = await new Promise<{ passed: number; failed: number }>((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 });
      });
    } catch (error) {
      // A test file that throws while loading lands here, before any test runs. It counts as a
      // failure so the closing line never claims a clean run.
      console.error('A test file failed to load:', error);
      console.log(formatTally(0, 1));
      reject(error);
    }
  });

  console.log(formatTally(passed, failed));
  if (failed > 0) {
    throw new IntegrationTestsFailedError(passed, failed);
  }
}
