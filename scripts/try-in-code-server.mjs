// For people who want to click: the extension in a local code-server (VS Code in the browser) on
// a copy of examples/, with the AWS emulator (moto + our SageMaker lifecycle plugin) and the Hub
// emulator running, so Launch, the Training Jobs view, logs, Download Model, the Model Card, Push
// to Hub and the inference test all work offline. Ctrl-C stops everything.
//
//   node scripts/try-in-code-server.mjs [--port 8080] [--no-emulators]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'no-emulators': { type: 'boolean', default: false } } });
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const step = (t) => console.log(`▶ ${t}`);
const must = (r, what) => {
  if (r.status !== 0) {
    console.error(`${what} failed`);
    process.exit(1);
  }
};

step('Set up code-server (once) and build');
must(spawnSync('bash', ['scripts/setup-vscode.sh'], { cwd: root, stdio: 'inherit' }), 'setup-vscode.sh');
if (!values['no-emulators']) must(spawnSync('bash', ['scripts/setup-moto.sh'], { cwd: root, stdio: 'inherit' }), 'setup-moto.sh');
must(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' }), 'the build');
must(spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' }), 'compiling the emulators');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-try-'));
const workspace = path.join(tmp, 'examples');
cpSync(path.join(root, 'examples'), workspace, { recursive: true, filter: (src) => !/\.sagemaker-local|\/models(\/|$)/.test(src) });
const extensions = path.join(tmp, 'extensions');
mkdirSync(extensions);
// code-server picks up an unpacked extension folder named <publisher>.<name>-<version>.
symlinkSync(root, path.join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`));
const userData = path.join(tmp, 'user-data');
mkdirSync(path.join(userData, 'User'), { recursive: true });
const home = path.join(tmp, 'home');
mkdirSync(home);

const children = [];
const cleanup = () => {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  cleanup();
  process.exit(0);
});
process.on('SIGTERM', () => {
  cleanup();
  process.exit(0);
});

const settings = { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'security.workspace.trust.enabled': false };
// code-server's workbench is a remote window: settings of scope `machine` (sagemakerHf.aws.endpoints,
// aws.profile) are read from its Remote settings (user-data/Machine/settings.json) only.
const remoteSettings = {};
const env = { ...process.env, HOME: home, TMPDIR: tmp, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

if (!values['no-emulators']) {
  step('Start the AWS and Hub emulators on 127.0.0.1');
  const { startMoto } = await import(path.join(root, 'out/test/emulators/moto/motoServer.js'));
  const { startHubEmulator, EMULATOR_WRITE_TOKEN } = await import(path.join(root, 'out/test/emulators/hub/hubEmulator.js'));
  const moto = await startMoto({ simSeconds: 30, maxLifetimeSeconds: 4 * 3600 });
  const hub = await startHubEmulator({ maxLifetimeMs: 4 * 3600 * 1000, xet: true });
  process.on('exit', () => {
    void moto.stop();
    void hub.stop();
  });
  Object.assign(settings, {
    'sagemakerHf.aws.region': 'us-east-1',
    'sagemakerHf.hub.endpoint': hub.url,
  });
  Object.assign(remoteSettings, {
    'sagemakerHf.aws.endpoints': { sagemaker: moto.endpoint, s3: moto.endpoint, logs: moto.endpoint, sts: moto.endpoint, iam: moto.endpoint },
  });
  Object.assign(env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
  const { IAMClient, CreateRoleCommand } = await import('@aws-sdk/client-iam');
  await new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }).send(
    new CreateRoleCommand({
      RoleName: 'SageMakerRole',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  console.log(`  AWS emulator: ${moto.endpoint} (jobs run ${30} s, two hosts write logs)`);
  console.log(`  Hub emulator: ${hub.url} — "Set Hugging Face Token" with ${EMULATOR_WRITE_TOKEN}`);
  // The seed job takes its code from GitHub, which is unreachable offline: give it a local twin.
  const seed = readFileSync(path.join(workspace, 'seed-bart-samsum/bart-large-cnn-samsum.sagemaker.yaml'), 'utf8');
  mkdirSync(path.join(workspace, 'seed-bart-samsum/code'), { recursive: true });
  writeFileSync(path.join(workspace, 'seed-bart-samsum/code/run_summarization.py'), '# stands in for transformers/examples/seq2seq/run_summarization.py (offline)\n');
  writeFileSync(
    path.join(workspace, 'seed-bart-samsum/offline-twin.sagemaker.yaml'),
    seed
      .replace(/git_config:\n( {2}.*\n)+/, '')
      .replace('source_dir: ./examples/seq2seq', 'source_dir: ./code')
      .replace(/^#.*\n/gm, '')
      .replace(/^/, '# The seed job with its code in this folder, for the offline emulator.\n'),
  );
}
writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(settings, null, 2));
mkdirSync(path.join(userData, 'Machine'), { recursive: true });
writeFileSync(path.join(userData, 'Machine/settings.json'), JSON.stringify(remoteSettings, null, 2));

step('Start code-server');
const codeServer = path.join(root, '.tools/code-server/node_modules/.bin/code-server');
writeFileSync(path.join(tmp, 'code-server.yaml'), '');
const cs = spawn(
  codeServer,
  [
    '--bind-addr',
    `127.0.0.1:${values.port}`,
    '--auth',
    'none',
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--config',
    path.join(tmp, 'code-server.yaml'),
  ],
  { env, detached: true, stdio: ['ignore', 'ignore', 'inherit'] },
);
children.push(cs);
cs.on('exit', (code) => {
  console.log(`code-server exited (${code})`);
  cleanup();
  process.exit(code ?? 0);
});
console.log(`\nOpen http://127.0.0.1:${values.port}/?folder=${encodeURIComponent(workspace)} in a browser. Ctrl-C stops everything.`);
