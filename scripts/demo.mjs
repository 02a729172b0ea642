// The README's main command: the quickstart job on the local backend, two hosts, logs as they come,
// then its model extracted and its model card written. No AWS account, no Docker, no network.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(root, 'examples/quickstart');
const jobFile = 'quickstart.sagemaker.yaml';
const cli = path.join(root, 'dist/cli.js');

function step(title) {
  console.log(`\n\x1b[1m▶ ${title}\x1b[0m`);
}

function run(args, { cwd = root, capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

function fail(message) {
  console.error(`\ndemo: ${message}`);
  process.exit(1);
}

step('Build');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail('the build failed');
if (spawnSync('python3', ['--version']).status !== 0) fail('the quickstart needs python3 on PATH');

step("Check the seed job file (the blog's estimator) and plan its request offline");
let r = await run(['validate', 'examples/seed-bart-samsum/bart-large-cnn-samsum.sagemaker.yaml']);
if (r.code !== 0) fail('the seed job file does not validate');
r = await run(['plan', 'examples/seed-bart-samsum/bart-large-cnn-samsum.sagemaker.yaml', '--account', '111122223333', '--json'], { capture: true });
if (r.code !== 0) fail('planning the seed job failed');
const plan = JSON.parse(r.out);
const req = plan.createTrainingJob;
console.log(`CreateTrainingJob ${req.TrainingJobName}: ${req.ResourceConfig.InstanceCount} × ${req.ResourceConfig.InstanceType}`);
console.log(`  image ${req.AlgorithmSpecification.TrainingImage}`);
console.log(
  `  ${Object.keys(req.HyperParameters).length} hyperparameters, e.g. learning_rate=${req.HyperParameters.learning_rate}, sagemaker_distributed_dataparallel_enabled=${req.HyperParameters.sagemaker_distributed_dataparallel_enabled}`,
);

step("Run the quickstart on this machine: 2 hosts under SageMaker's container contract");
r = await run(['launch', jobFile, '--local'], { cwd: example, capture: true });
if (r.code !== 0) fail('the local job did not complete');
const [jobName, jobFolder] = r.out.trim().split('\n');
const archive = path.join(jobFolder, 'output/model.tar.gz');
if (!existsSync(archive)) fail(`no model archive at ${archive}`);

step('Extract model.tar.gz');
const modelDir = path.join(example, 'models', jobName);
r = await run(['extract', archive, '--to', modelDir, '--overwrite', '--record-hashes']);
if (r.code !== 0) fail('extracting the model failed');

step('Write the model card');
const card = path.join(modelDir, 'README.md');
r = await run(['card', modelDir, '--job-file', path.join(example, jobFile), '--out', card]);
if (r.code !== 0) fail('writing the model card failed');
const text = readFileSync(card, 'utf8');
console.log(text.split('\n').slice(0, 24).join('\n'));
console.log('…');
const rel = (p) => path.relative(process.cwd(), p) || '.';
console.log(`\nModel card: ${rel(card)}`);
console.log(`Model:      ${rel(modelDir)}/`);
console.log(`Job folder: ${rel(jobFolder)}/ (opt/ml of each host, logs, job.json)`);

step('What to do next');
console.log(`1. Read the whole card: ${rel(card)}. It says what the run shows: the quickstart's model is a small`);
console.log('   logistic regression trained here with plain Python, a stand-in for a transformers summarizer.');
console.log('2. Run the tests: npm test (setup, build, lint, unit, integration in VS Code, e2e, benchmark smoke run).');
console.log('3. In VS Code, open this folder and run "Welcome: Open Walkthrough…" → "Fine-tune on SageMaker":');
console.log('   it runs the same job from the editor, then shows how to launch it on SageMaker and push the model to the Hub.');
