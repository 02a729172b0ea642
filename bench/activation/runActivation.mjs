// One fresh VS Code window per call, to time activate() of a development extension: a code-server +
// headless Chromium session (test/codeServer/workbenchSession.mjs, as for the integration suite) opens
// the workbench with a `payload` naming the extension folder(s) and
// bench/.build/activation/activationProbe.js as the test entry, and the probe writes its timings to a
// file. Unlike the integration runner, which always loads the repository root, this takes any folder,
// so the baseline (bench/fixtures/emptyExtension) loads exactly the same way.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkbenchSession, workbenchSetupProblem } from '../../test/codeServer/workbenchSession.mjs';

/** Why a window cannot be opened here, or undefined. */
export function activationSetupProblem() {
  return workbenchSetupProblem();
}

/**
 * @param {{ extensionPaths: string[], probe: string, activate: string[], timeoutSeconds?: number, cpuProfileFile?: string, listPackagesUnder?: string }} options
 *   listPackagesUnder: a node_modules folder; the probe then reports which of its packages were loaded once the activations are done
 * @returns {Promise<{ samples: Array<{ id: string, activeBefore: boolean, ms: number, error?: string }>, packages?: string[], windowMs: number }>}
 */
export async function timeActivation(options) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-bench-activation-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  const resultFile = path.join(tmp, 'result.json');
  const timeoutSeconds = options.timeoutSeconds ?? 120;
  const session = new WorkbenchSession({
    root: tmp,
    // The probe is the payload's test entry, which newer workbenches load only with the driver.
    smokeTestDriver: true,
    env: {
      BENCH_ACTIVATE_IDS: options.activate.join(','),
      BENCH_RESULT_FILE: resultFile,
      ...(options.cpuProfileFile ? { BENCH_CPU_PROFILE_FILE: path.resolve(options.cpuProfileFile) } : {}),
      ...(options.listPackagesUnder ? { BENCH_LIST_PACKAGES_UNDER: options.listPackagesUnder } : {}),
    },
    lifetimeSeconds: timeoutSeconds + 30,
    healthTimeoutMs: timeoutSeconds * 1000,
  });
  const started = performance.now();
  // One budget for the whole window: code-server answering, then the probe finishing.
  const deadline = Date.now() + timeoutSeconds * 1000;
  try {
    await session.start();
    const { exitCode } = await session.watchTestRun();
    await session.openWorkbench({ folder: workspace, extensionDevelopmentPaths: options.extensionPaths, extensionTestsPath: options.probe });
    let timer;
    const code = await Promise.race([
      exitCode,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(1000, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    if (code === 'timeout') throw new Error(`the window did not finish within ${timeoutSeconds} s`);
    if (!fs.existsSync(resultFile)) throw new Error(`the extension host exited (code ${code}) without writing its timings; see ${session.dirs.codeServerLog}`);
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    return { ...result, windowMs: performance.now() - started };
  } finally {
    await session.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
