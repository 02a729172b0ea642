// Mutation testing with StrykerJS (issue #14): `npm run mutate` runs every area below in turn;
// `npm run mutate -- hub` (or artifacts, logTail, core-logs, ...) runs one. See docs/MUTATION.md.
//
// How it runs: Stryker copies the repository into .stryker-tmp/sandbox-*, writes every mutant of the
// area into the sources at once (mutant schemata, switched on by an environment variable), builds
// that sandbox once (the schema validator, the esbuild bundles in dist/, tsc into out/), then runs
// the compiled node:test files with the tap runner: one `node out/test/unit/X.test.js` process per
// test file, whose TAP output it reads (node:test prints TAP when stdout is not a terminal). The
// "tests" Stryker sees are therefore whole test files, and per-test coverage means: a mutant runs
// only the test files whose process executed it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The areas of issue #14, each with the unit test files that exercise it. A test file outside its
 * area's list cannot kill that area's mutants; listing only the relevant ones keeps the dry run short.
 * `nodeArgs` are extra arguments for node when it runs the area's test files.
 */
export const AREAS = {
  logTail: {
    mutate: ['src/aws/logTail.ts'],
    // logTailBulk (the 100,000-line test, ~20 s) after logTail (~10 s: its moto tests run side by
    // side): a mutant the shorter file kills never runs it.
    testFiles: ['logTail', 'logTailBulk'],
  },
  artifacts: {
    mutate: ['src/artifacts/**/*.ts'],
    // Every unit test file that imports src/artifacts, shortest first, except pytorchDdp (19 s here: it
    // trains a model to get an archive; extract and downloadModel cover the same extraction paths).
    testFiles: ['webviewProtocol', 'modelFolder', 'hashRecord', 'honestModelCard', 'extract', 'downloadModel', 'hubHashRecord'],
  },
  hub: {
    mutate: ['src/hub/**/*.ts'],
    // Not hubXet: each of its runs pushes through the Xet chunker and the bundled CLI (40 s and more
    // here), which would multiply the run time; what only it checks is counted as undetected.
    // hubHashRecord (8 s) pushes through pushModelFolder and lfsCommit with the hash record: last, so a
    // mutant the shorter files kill stops before it.
    testFiles: ['fileHasher', 'lfsCommit', 'hubUpload', 'hub', 'hubHashRecord'],
  },
  'core-logs': {
    mutate: ['src/core/logs/**/*.ts'],
    // The plain-node files first (about a second each): a mutant they kill never starts moto. warmPool
    // checks the warm-pool lines of the job-end summary.
    testFiles: ['logFormat', 'logCursor', 'warmPool', 'logTail', 'logTailBulk'],
  },
  'core-training': {
    mutate: ['src/core/training/**/*.ts'],
    // Every unit test file that imports src/core/training: the SDK goldens first (trainingRequest, 1 s,
    // kills most request-building mutants), then by length (0.3–9 s each; launch and tuningJobs run
    // against moto).
    testFiles: [
      'pythonJsonYamlValues',
      'pythonJsonDecoding',
      'trainingRequest',
      'tuningRequest',
      'cloneBestTrial',
      'pythonJson',
      'distribution',
      'credentialFlows',
      'trainingJobs',
      'localBackend',
      'jobFileValidation',
      'instancePreferences',
      'staging',
      'tuningJobs',
      'launch',
    ],
  },
  'core-jobFile': {
    mutate: ['src/core/jobFile/**/*.ts', '!src/core/jobFile/generated/**'],
    // The files that import src/core/jobFile, the plain-node ones (0.3–0.7 s each) around jobFileValidation (2 s,
    // the validator's own cases), then by length (0.7–3.5 s). Not jobFileFuzz (8 s of seeded random files: what
    // only it would kill is counted as undetected) nor launch and staging (8–10 s against moto).
    testFiles: [
      'quickFixes',
      'credentialFlows',
      'jobFileAssist',
      'jobFileValidation',
      'costEstimate',
      'budgetRefusal',
      'firstHour',
      'tuningValidation',
      'tuningRequest',
      'newJobFile',
      'cost',
      'trainingRequest',
      'honestModelCard',
      'modelCard',
      'localHeterogeneous',
      'cliValidate',
      'localTuning',
      'trainingJobs',
      'preflight',
    ],
  },
  'core-jobs': {
    mutate: ['src/core/jobs/**/*.ts'],
    // The files that import src/core/jobs, shortest first (0.25–0.6 s the plain-node ones; trainingJobs,
    // instancePreferences and warmPool 2–3 s against moto; tuningJobs 7 s, the only one that reads tuning
    // jobs). Not budget, cleanup, compareCommand (3–6 s each, against moto): they read descriptions the
    // files before them already read.
    // First the plain-node files written from the first run's survivors (0.2–0.5 s each).
    testFiles: [
      'jobFileFromDescriptionA',
      'jobFileFromDescriptionB',
      'jobFileFromDescriptionC',
      'runComparisonRows',
      'runComparisonTable',
      'warmPoolMatchRules',
      'trainingJobViewRows',
      'tuningJobViewRows',
      'runComparison',
      'cleanupLeftovers',
      'jobCostFigures',
      'hyperparameters',
      'secrets',
      'distribution',
      'logFormat',
      'webviewProtocol',
      'trainingJobs',
      'instancePreferences',
      'warmPool',
      'tuningJobs',
    ],
  },
  'core-contract': {
    mutate: ['src/core/contract/**/*.ts'],
    // The files that import src/core/contract, shortest first (0.4–2 s each). Not localBackend (it runs
    // whole local jobs, tens of seconds): localHeterogeneous runs the same contract through a job.
    // First the plain-node files written from the first run's survivors (0.3–0.5 s each).
    testFiles: [
      'pythonValueWriting',
      'pythonValueReading',
      'failureReasonRunnerLaunch',
      'containerContractMutants',
      'hyperparameters',
      'containerContract',
      'distribution',
      'localHeterogeneous',
    ],
  },
  'core-modelCard': {
    mutate: ['src/core/modelCard/**/*.ts'],
    // Every unit test file that imports src/core/modelCard, shortest first (0.4–1.3 s each); webviewProtocol
    // checks the Model Card panel's content, the only place the training split's results are titled.
    testFiles: ['hyperparameters', 'distribution', 'firstHour', 'modelCard', 'honestModelCard', 'webviewProtocol'],
  },
  'core-catalog': {
    // Not debuggerRules.ts: it is data, generated from the SDK's own packages by
    // scripts/generateDebuggerRules.mjs (each string a mutant, and no logic of ours in it).
    mutate: ['src/core/catalog/**/*.ts', '!src/core/catalog/debuggerRules.ts'],
    // The files that import src/core/catalog, and cost (prices by instance type), shortest first
    // (0.4–4 s each).
    // First the plain-node files written from the first run's survivors (0.15–0.3 s each).
    testFiles: ['instanceTypes', 'trainingCompilerImages', 'huggingfaceImages', 'diagnosis', 'catalog', 'cost', 'jobFileValidation', 'preflight'],
  },
  'core-cost': {
    mutate: ['src/core/cost/**/*.ts'],
    // Every unit test file that imports src/core/cost, shortest first (0.5–9 s each; budget was 49 s
    // until its job stopped waiting 45 s to start billing), and preflight (4 s), whose instance checks
    // price the job through src/aws/preflight.
    // budgetRefusal and jobCostFigures (0.3 s each) first: budget.ts and jobCost.ts word for word, without moto;
    // then cleanupLeftovers (0.3 s): cleanup.ts's prefixes, overlaps and monthly price, and priceList (0.3 s):
    // price tables and Price List documents, and costEstimate (0.2 s): the estimate word for word, without moto.
    testFiles: [
      'budgetRefusal',
      'jobCostFigures',
      'cleanupLeftovers',
      'priceList',
      'costEstimate',
      'runComparison',
      'cost',
      'instancePreferences',
      'cleanup',
      'preflight',
      'budget',
      'jobCost',
      'tuningLaunch',
      'webviewProtocol',
    ],
  },
  'core-preflight': {
    mutate: ['src/core/preflight/**/*.ts'],
    // preflight (4 s), then tuningLaunch (4 s: it runs the checks before a tuning job's launch).
    testFiles: ['preflight', 'tuningLaunch'],
  },
  'core-diagnosis': {
    mutate: ['src/core/diagnosis/**/*.ts'],
    // diagnosis (0.4 s: classification, tracebacks, frames), then the dashboard's diagnosis card (1 s) and the
    // CLI's `diagnose` against moto (10 s).
    testFiles: ['diagnosis', 'jobDashboard', 'diagnoseCommand'],
  },
  'core-metrics': {
    mutate: ['src/core/metrics/**/*.ts'],
    // The files that import src/core/metrics, shortest first; jobMetrics (11 s) reads curves from moto's
    // CloudWatch.
    // First the plain-node files written from the first run's survivors (0.1–0.7 s each).
    testFiles: [
      'jobWarnings',
      'chartLayout',
      'trainerLogDefinitions',
      'trainerLogProgress',
      'trainerLogFeed',
      'drawQueue',
      'runComparison',
      'tuningValidation',
      'trainerLogMetrics',
      'jobMetrics',
    ],
  },
  'core-sagemaker': {
    mutate: ['src/core/sagemaker/**/*.ts'],
    // The files that import src/core/sagemaker, or the request builders and checks that use it, shortest
    // first: the plain-node ones (0.25–0.9 s; trainingRequest and tuningRequest, the SDK goldens, hold the
    // debugger, compiler, distribution and instance-group requests), then jobFileValidation (2 s, the
    // checks), trainingJobs (2.5 s, job files read back from descriptions), instancePreferences and
    // preflight (2–3.5 s). Not those that run for 7 s and more (launch, staging, tuningJobs, jobMetrics,
    // logTail) nor the local runs: what only they would kill is counted as undetected.
    testFiles: [
      'hyperparameters',
      'jobStatus',
      'secrets',
      'costEstimate',
      'localSearch',
      'distribution',
      'logFormat',
      'containerContract',
      'tuningValidation',
      'tuningRequest',
      'trainingRequest',
      'trainerLogMetrics',
      'jobFileValidation',
      'trainingJobs',
      'instancePreferences',
      'preflight',
    ],
  },
  'core-tuning': {
    mutate: ['src/core/tuning/**/*.ts'],
    // localSearch and cloneBestTrial (0.3 s each) call the search's and the clone's functions
    // directly; localTuning (2–8 s) runs local tuning jobs with the search and clones the best trial.
    testFiles: ['localSearch', 'cloneBestTrial', 'localTuning'],
  },
  'core-helpers': {
    mutate: ['src/core/*.ts', '!src/core/quickstartFiles.ts'],
    // The small shared helpers at the top of src/core, each with its own test file; excerpt is reached
    // through the catalog. Not folderWalks (27 s: it builds a 10,000-level tree) nor hub: folderWalk.ts's
    // mutants that only they kill are counted as undetected.
    testFiles: ['coreHelpers', 'format', 'hubRepoId', 'catalog', 'sagemakerIgnore'],
  },
  'core-quickstart': {
    mutate: ['src/core/quickstartFiles.ts'],
    testFiles: ['quickstart', 'manifestMenus'],
  },
};

const areaName = process.env.MUTATE_AREA ?? 'all';
const area =
  areaName === 'all'
    ? {
        mutate: Object.values(AREAS).flatMap((a) => a.mutate),
        testFiles: [...new Set(Object.values(AREAS).flatMap((a) => a.testFiles))],
      }
    : AREAS[areaName];
if (!area) throw new Error(`MUTATE_AREA=${areaName} is not an area; one of: all, ${Object.keys(AREAS).join(', ')}`);

// The test processes inherit this environment. The sandbox has no .tools/ (462 MB, not copied):
// the moto emulator is found through MOTO_TOOLS_DIR instead.
process.env.MOTO_TOOLS_DIR ??= path.join(root, '.tools', 'moto');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  tap: {
    testFiles: area.testFiles.map((f) => `out/test/unit/${f}.test.js`),
    // Each test process gets its own temporary folder, removed once the process is gone (scripts/mutationTmp.cjs):
    // a test file stopped at its first failure never runs its `after` hooks.
    nodeArgs: ['--require', path.join(root, 'scripts', 'mutationTmp.cjs'), ...(area.nodeArgs ?? [])],
    forceBail: true,
  },
  mutate: area.mutate,
  // One build of the sandbox, with every mutant in it. Stryker puts `// @ts-nocheck` on the sandbox's
  // src/ and test/ files (disableTypeChecks), so a schema that does not type-check still compiles.
  // (Stryker runs this without a shell, so the steps are chained in the package.json script.)
  buildCommand: 'npm run mutate:build',
  coverageAnalysis: 'perTest',
  // The machine has two cores shared with other work: one test process at a time by default
  // (`npm run mutate -- --concurrency 2` to use both).
  concurrency: 1,
  // A mutant that makes a test file run this much longer than its clean run is a timeout (most often
  // an endless loop or a wait that never ends): counted as detected.
  timeoutMS: 10_000,
  timeoutFactor: 1.5,
  incremental: true,
  incrementalFile: `reports/mutation/${areaName}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${areaName}.html` },
  jsonReporter: { fileName: `reports/mutation/${areaName}.json` },
  // With `--reporters …,event-recorder`: every mutant's result as it comes, one folder per area.
  eventReporter: { baseDir: `reports/mutation/events-${areaName}` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  ignorePatterns: ['/.tools', '/out', '/dist', '/test-results', '/bench/.build', '/.vscode-test', '/.sagemaker-local', '*.vsix', '/src/core/jobFile/generated'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 75, break: null },
};
