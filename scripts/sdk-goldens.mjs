// Request goldens made by the SageMaker Python SDK itself.
//
// For every fixture job file in test/fixtures/requests (NAME.sagemaker.yaml with NAME.context.json),
// this turns the file into the sdk-oracle's spec (the HuggingFace keyword arguments, fit() inputs,
// region, account and clock), runs the SDK's own source offline through the oracle and writes
// NAME.sdk.json: the SDK revision, the spec, and the CreateTrainingJob request and uploads it sent, or
// its refusal. test/unit/trainingRequest.test.ts compares `plan` with these files; CI needs neither
// Python nor the SDK. A golden that disagrees with the request builder is a bug in the builder.
//
// Usage:
//   node scripts/sdk-goldens.mjs --sdk-src <dir> [--oracle <sdk_request.py>] [--python <python3>] [--rulesconfig-git <dir>] [--check] [NAME...]
//
//   --sdk-src   the folder holding the SDK's `sagemaker` package at v2.257.6 (or env SAGEMAKER_SDK_SRC):
//               git -C <sagemaker-python-sdk clone> archive v2.257.6 src/sagemaker | tar -x -C /tmp/sdk
//               then --sdk-src /tmp/sdk/src
//   --oracle    the oracle script (env SDK_ORACLE; default ../shared/tools/sdk-oracle/sdk_request.py
//               beside the repository)
//   --python    a Python with boto3, botocore, packaging and numpy (env SDK_PYTHON; default python3)
//   --rulesconfig-git  a git copy (bare is fine) of github.com/awslabs/sagemaker-debugger-rulesconfig
//               (env SMDEBUG_RULESCONFIG_GIT; default .mirror/awslabs+sagemaker-debugger-rulesconfig/repo
//               beside the repository): the driver runs the real smdebug_rulesconfig 1.0.1 from it
//               (the built-in rules' configs) instead of the oracle's stub
//   --check     write nothing; exit 1 when a golden differs from what the SDK says now
//   NAME...     only these fixtures
//
// What the spec says, from the job file:
// - every key is passed as the estimator keyword argument of the same name, except `region` (the
//   session's region: the fixture context's), `inputs` (fit's inputs) and `expected_run` (ours);
// - numbers keep YAML's int/float distinction (`1.0` stays a float), as the request builder does;
// - `container_log_level: WARNING` is `logging.WARNING` (30);
// - channel maps are TrainingInput keyword arguments; `shuffle_seed: N` is `shuffle_config=ShuffleConfig(N)`;
// - debugger_hook_config, tensorboard_output_config, profiler_config and each `rules` item are the
//   keyword arguments of the SDK object of the same name (the driver builds them; see its header);
//   a built-in rule's `base_config: NAME` is `rule_configs.NAME()`, `base_config: {NAME: {k: v}}`
//   `rule_configs.NAME(k=v)`, and `actions` a `rule_configs.ActionList` of its `{Class: argument}` items;
// - a `tuning:` block is the oracle's "tuner" spec: HyperparameterTuner's keyword arguments, passed
//   as written (`HyperparameterTuner(estimator, **tuning).fit(inputs, job_name=…)` runs instead of
//   the estimator's fit); its ranges are the oracle's {type, …} maps, and warm_start_config,
//   strategy_config and completion_criteria_config are maps the driver builds the SDK objects from
//   (see its header); the golden then holds CreateHyperParameterTuningJob;
// - local paths are made real in a scratch folder (source_dir with the entry point, dependencies),
//   because the SDK archives them; `git_config` is cloned by the SDK, which needs a network, so its
//   repository is stood in for by the same paths in that folder (recorded in the golden as `stoodIn`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, isAlias, parseDocument } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(root, 'test', 'fixtures', 'requests');
export const SDK = { version: '2.257.6', commit: 'fc582aaa46faf7b7e16ab1e13840869712174cd0' };
const LOG_LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };
const NOT_ESTIMATOR = new Set(['region', 'inputs', 'expected_run', 'tuning']);

function parseArgs(argv) {
  const o = { names: [], check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sdk-src') o.sdkSrc = argv[++i];
    else if (a === '--oracle') o.oracle = argv[++i];
    else if (a === '--python') o.python = argv[++i];
    else if (a === '--rulesconfig-git') o.rulesconfigGit = argv[++i];
    else if (a === '--check') o.check = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.names.push(a);
  }
  o.sdkSrc ??= process.env.SAGEMAKER_SDK_SRC;
  o.oracle ??=
    process.env.SDK_ORACLE ??
    [path.resolve(root, '..', 'shared'), path.resolve(root, '..', '..', 'shared')].map((d) => path.join(d, 'tools', 'sdk-oracle', 'sdk_request.py')).find((f) => existsSync(f));
  if (!o.oracle) throw new Error('pass --oracle <sdk_request.py> (or set SDK_ORACLE)');
  o.python ??= process.env.SDK_PYTHON ?? 'python3';
  o.rulesconfigGit ??=
    process.env.SMDEBUG_RULESCONFIG_GIT ??
    [path.resolve(root, '..'), path.resolve(root, '..', '..')].map((d) => path.join(d, '.mirror', 'awslabs+sagemaker-debugger-rulesconfig', 'repo')).find((f) => existsSync(f));
  if (!o.rulesconfigGit) throw new Error('pass --rulesconfig-git <git copy of sagemaker-debugger-rulesconfig> (or set SMDEBUG_RULESCONFIG_GIT)');
  if (!o.sdkSrc) throw new Error('pass --sdk-src <dir holding the sagemaker package> (or set SAGEMAKER_SDK_SRC)');
  return o;
}

/** JSON text of a YAML node in which Python's json.load sees the same values: ints as ints, floats as floats. */
function pyJson(node, doc) {
  if (isAlias(node)) return pyJson(node.resolve(doc), doc);
  if (node === null || node === undefined) return 'null';
  // JSON keys are strings: a YAML key that is not becomes Python's str() of it, which is what the SDK
  // makes of every hyperparameter key anyway (`str(k)`), so `true:` is "True".
  if (isMap(node)) return `{${node.items.map((p) => `${JSON.stringify(pyStrKey(isAlias(p.key) ? p.key.resolve(doc) : p.key, doc))}: ${pyJson(p.value, doc)}`).join(', ')}}`;
  if (isSeq(node)) return `[${node.items.map((n) => pyJson(n, doc)).join(', ')}]`;
  const v = node.value;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    if (Object.is(v, -0)) return '-0.0';
    const s = String(v);
    return /[.eE]/.test(s) ? s : `${s}.0`; // a float node stays a float in Python
  }
  return JSON.stringify(v);
}

function pyStrKey(key, doc) {
  const v = isScalar(key) ? key.value : key;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  return pyJson(key, doc);
}

function touch(file) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '# stand-in made by scripts/sdk-goldens.mjs\n');
}

/** The oracle's spec for one fixture, and the scratch folder the SDK runs in. */
function oracleSpec(name, scratch) {
  const text = readFileSync(path.join(FIXTURES, `${name}.sagemaker.yaml`), 'utf8');
  const context = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.context.json`), 'utf8'));
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, intAsBigInt: true });
  const spec = doc.toJS();
  const cwd = path.join(scratch, name, 'project');
  mkdirSync(cwd, { recursive: true });
  const stoodIn = [];

  const sourceDir = typeof spec.source_dir === 'string' ? spec.source_dir : undefined;
  if (sourceDir === undefined || !sourceDir.startsWith('s3://')) {
    if (typeof spec.entry_point === 'string' && !spec.entry_point.startsWith('s3://')) touch(path.join(cwd, sourceDir ?? '', spec.entry_point));
    if (sourceDir !== undefined) mkdirSync(path.join(cwd, sourceDir), { recursive: true });
  }
  for (const dep of spec.dependencies ?? []) touch(path.join(cwd, dep, '__init__.py'));
  if (spec.git_config)
    stoodIn.push(
      `git_config: the SDK clones ${String(spec.git_config.repo).replace(/\/\/[^/@]*@/, '//')}; its paths were made in a local folder instead (same request, no network)`,
    );

  const estimator = [];
  for (const pair of doc.contents.items) {
    const key = String(pair.key.value);
    if (NOT_ESTIMATOR.has(key) || key === 'git_config') continue;
    let value = pyJson(pair.value, doc);
    if (key === 'container_log_level' && typeof spec[key] === 'string') value = String(LOG_LEVELS[spec[key]] ?? JSON.stringify(spec[key]));
    estimator.push(`${JSON.stringify(key)}: ${value}`);
  }

  // py_version is the one positional argument HuggingFace(...) has no default for; a job file
  // without it means None, which the SDK then fills with the image's only Python version.
  if (!doc.has('py_version')) {
    estimator.unshift('"py_version": null');
    stoodIn.push('py_version: absent from the job file, passed as None');
  }

  // The SDK has no default for instance_count (it refuses a job without it); a job file's default is 1.
  if (!doc.has('instance_count') && !doc.has('instance_groups')) {
    estimator.push('"instance_count": 1');
    stoodIn.push('instance_count: absent from the job file, passed as 1 (the job file default; the SDK has none)');
  }

  let inputs = 'null';
  const inputsNode = doc.get('inputs', true);
  if (inputsNode !== undefined) {
    if (isMap(inputsNode)) {
      const channels = inputsNode.items.map((p) => {
        const ch = isAlias(p.value) ? p.value.resolve(doc) : p.value;
        if (!isMap(ch)) return `${JSON.stringify(String(p.key.value))}: ${pyJson(ch, doc)}`;
        const fields = ch.items.map((f) => {
          const k = String(f.key.value);
          if (k === 'shuffle_seed') return `"shuffle_config": {"seed": ${pyJson(f.value, doc)}}`;
          return `${JSON.stringify(k)}: ${pyJson(f.value, doc)}`;
        });
        return `${JSON.stringify(String(p.key.value))}: {${fields.join(', ')}}`;
      });
      inputs = `{${channels.join(', ')}}`;
    } else {
      inputs = pyJson(inputsNode, doc);
    }
  }
  const now = Date.parse(context.now) / 1000;
  const tuningNode = doc.get('tuning', true);
  const tuner = tuningNode !== undefined ? `,\n "tuner": ${pyJson(tuningNode, doc)}` : '';
  const specText = `{"region": ${JSON.stringify(context.region)}, "account": ${JSON.stringify(context.accountId)}, "now": ${now},\n "estimator": {${estimator.join(', ')}},\n "fit": {"inputs": ${inputs}, "job_name": ${JSON.stringify(context.jobName ?? null)}}${tuner}}\n`;
  const specFile = path.join(scratch, name, 'spec.json');
  writeFileSync(specFile, specText);
  return { specFile, specText, cwd, stoodIn };
}

/** The spec as JSON for reading (a float written 1.0 shows as 1 here; the oracle read the text itself). */
function parseOrText(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text; // NaN or Infinity: not JSON, kept as the oracle read it
  }
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const all = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.sagemaker.yaml'))
    .map((f) => f.slice(0, -'.sagemaker.yaml'.length))
    .sort();
  const names = o.names.length ? o.names : all;
  for (const n of names) if (!all.includes(n)) throw new Error(`no fixture ${n}`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sdk-goldens-'));
  try {
    const jobs = names.map((name) => ({ name, ...oracleSpec(name, scratch) }));
    const run = spawnSync(
      o.python,
      [path.join(root, 'scripts', 'sdk-goldens-driver.py'), '--oracle', o.oracle, '--sdk-src', path.resolve(o.sdkSrc), '--rulesconfig-git', path.resolve(o.rulesconfigGit)],
      {
        input: JSON.stringify(jobs.map((j) => ({ name: j.name, spec: j.specFile, cwd: j.cwd }))),
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        // UTC as the oracle asks; the proxy makes any stray network call fail at once instead of timing out.
        // PYTHONHASHSEED: the SDK sends the hook's CollectionConfigurations in a set's order, which
        // string hashing would otherwise vary from run to run.
        env: { ...process.env, TZ: 'UTC', PYTHONHASHSEED: '0', HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' },
      },
    );
    if (run.status !== 0) throw new Error(`the oracle failed (exit ${run.status}):\n${run.stderr}`);
    const outputs = new Map(
      run.stdout
        .split('\n')
        .filter((line) => line.startsWith('{"name"'))
        .map((line) => JSON.parse(line))
        .map((r) => [r.name, r.output]),
    );
    let stale = 0;
    for (const job of jobs) {
      const output = outputs.get(job.name);
      if (!output) throw new Error(`no answer for ${job.name}:\n${run.stderr}`);
      const golden = {
        sdk: SDK,
        spec: parseOrText(job.specText),
        ...(job.stoodIn.length ? { stoodIn: job.stoodIn } : {}),
        ...(output.error !== undefined
          ? { error: output.error.split(path.join(scratch, job.name, 'project')).join('<project>') }
          : { operation: output.operation, request: output.request, uploads: output.uploads }),
      };
      const file = path.join(FIXTURES, `${job.name}.sdk.json`);
      const text = `${JSON.stringify(golden, null, 2)}\n`;
      let old;
      try {
        old = readFileSync(file, 'utf8');
      } catch {
        old = undefined;
      }
      if (old !== text) {
        stale++;
        if (!o.check) writeFileSync(file, text);
        process.stdout.write(`${o.check ? 'differs' : 'wrote'} ${path.relative(root, file)}${output.error ? ` (SDK refuses: ${output.error.slice(0, 100)})` : ''}\n`);
      }
    }
    process.stdout.write(`${jobs.length} fixtures, ${stale} ${o.check ? 'out of date' : 'updated'}\n`);
    if (o.check && stale > 0) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
