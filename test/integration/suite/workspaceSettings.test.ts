// A repository's .vscode/settings.json must not choose where the Hugging Face token or signed AWS
// requests go (issue 14). The hostile file points the Hub, the inference endpoint and every AWS
// service at a listener on 127.0.0.1 and names a profile that does not exist; the user's own settings
// point at the Hub emulator and moto. Opening a Model Card (which checks the token with whoAmI at
// once) and listing training jobs must reach the emulators and nothing else.
//
// scripts/test.mjs runs this file twice: with every suite, Workspace Trust off (the folder trusted),
// and alone with `runInVsCode.mjs --untrusted` (Workspace Trust on, the folder in Restricted Mode).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import * as vscode from 'vscode';
import type { SageMakerHfApi } from '../../../src/api';
import { Settings } from '../../../src/host/settings';
import { EMULATOR_WRITE_TOKEN, startHubEmulator } from '../../emulators/hub/hubEmulator';
import type { HubEmulator } from '../../emulators/hub/hubEmulator';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../../emulators/moto/motoServer';
import type { MotoServer } from '../../emulators/moto/motoServer';
import { workspaceTrustVariable } from './index';

const EXTENSION_ID = 'sagemaker-hf.sagemaker-hf-trainer';
const AWS_SERVICES = ['sagemaker', 's3', 'logs', 'sts', 'iam', 'serviceQuotas', 'pricing'] as const;
const HOSTILE_PROFILE = 'repository-chosen-profile';
// out/test/integration/suite -> repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What reached the listener: method, path and whether credentials came; never their value. */
interface Received {
  request: string;
  authorization: boolean;
}

describe('a repository cannot redirect the Hugging Face token or signed AWS requests', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('sagemakerHf');
  const received: Received[] = [];
  let listener: http.Server;
  let hub: HubEmulator;
  let moto: MotoServer | undefined;
  let tmp: string;
  let settingsFile: string;
  let previousSettingsFile: string | undefined;
  let userEndpoints: Record<string, string> = {};
  const savedEnv = { HF_TOKEN: process.env.HF_TOKEN };

  before(async () => {
    listener = http.createServer((req, res) => {
      received.push({ request: `${req.method} ${req.url}`, authorization: req.headers.authorization !== undefined });
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json', connection: 'close' }).end('{"error":"the workspace-chosen host"}');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const hostile = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;

    hub = await startHubEmulator({ maxLifetimeMs: 5 * 60_000 });
    if (!motoInstallProblem()) {
      moto = await startMoto({ simSeconds: 1, maxLifetimeSeconds: 300 });
      userEndpoints = { sagemaker: moto.endpoint, s3: moto.endpoint, logs: moto.endpoint, sts: moto.endpoint, iam: moto.endpoint };
    }

    // The user's own choices: user settings (and, for the `machine` ones, VS Code's Remote settings,
    // where ConfigurationTarget.Global writes them in code-server's remote window).
    await config().update('hub.endpoint', hub.url, vscode.ConfigurationTarget.Global);
    await config().update('inference.endpointUrl', `${hub.url}/endpoints/users-own`, vscode.ConfigurationTarget.Global);
    await config().update('aws.region', 'us-east-1', vscode.ConfigurationTarget.Global);
    if (moto) await config().update('aws.endpoints', userEndpoints, vscode.ConfigurationTarget.Global);
    process.env.HF_TOKEN = EMULATOR_WRITE_TOKEN;
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' });

    // The repository's choices. logs.historyLines is an ordinary setting a workspace may set: once it
    // reads 999, VS Code has read the file.
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsFile = path.join(folder, '.vscode', 'settings.json');
    previousSettingsFile = await fs.readFile(settingsFile, 'utf8').catch(() => undefined);
    await fs.mkdir(path.dirname(settingsFile), { recursive: true });
    await fs.writeFile(
      settingsFile,
      JSON.stringify(
        {
          'sagemakerHf.hub.endpoint': hostile,
          'sagemakerHf.inference.endpointUrl': `${hostile}/endpoint`,
          'sagemakerHf.aws.endpoints': Object.fromEntries(AWS_SERVICES.map((s) => [s, hostile])),
          'sagemakerHf.aws.profile': HOSTILE_PROFILE,
          'sagemakerHf.logs.historyLines': 999,
        },
        null,
        2,
      ),
    );
    await until('VS Code to read the workspace settings', () => (config().get('logs.historyLines') === 999 ? true : undefined));

    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'workspace-settings-it-'));
    await fs.cp(path.join(repoRoot, 'test', 'fixtures', 'modelCardWorkspace', 'hostile-run'), path.join(tmp, 'run'), { recursive: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (settingsFile) {
      if (previousSettingsFile === undefined) await fs.rm(settingsFile, { force: true });
      else await fs.writeFile(settingsFile, previousSettingsFile);
    }
    for (const key of ['hub.endpoint', 'inference.endpointUrl', 'aws.region', 'aws.endpoints']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    if (savedEnv.HF_TOKEN === undefined) delete process.env.HF_TOKEN;
    else process.env.HF_TOKEN = savedEnv.HF_TOKEN;
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    await hub?.stop();
    await moto?.stop();
    listener?.closeAllConnections();
    await new Promise((resolve) => listener?.close(resolve));
  });

  it('runs with the workspace trust it was started for', () => {
    const trust = process.env[workspaceTrustVariable];
    if (trust === undefined) return; // another runner (scripts/test-electron.mjs) decides trust itself
    assert.equal(vscode.workspace.isTrusted, trust !== 'untrusted', `asked for Workspace Trust "${trust}"`);
  });

  it("VS Code and the extension's settings take the user's values and ignore the workspace's", () => {
    assert.equal(config().get('hub.endpoint'), hub.url);
    assert.equal(config().get('inference.endpointUrl'), `${hub.url}/endpoints/users-own`);
    // get() would merge a workspace object into the user's: not one service may come from the workspace.
    assert.deepEqual(config().get('aws.endpoints'), userEndpoints);
    assert.equal(config().get('aws.profile'), '', 'the default profile (the credential chain)');

    // The extension reads these four through Settings, which uses the user level only.
    const settings = new Settings();
    assert.equal(settings.hubUrl, hub.url);
    assert.equal(settings.inferenceEndpointUrl, `${hub.url}/endpoints/users-own`);
    assert.deepEqual(settings.endpoints, userEndpoints);
    assert.equal(settings.profile, undefined);
  });

  it("opening a Model Card sends the token to the user's Hub only", async () => {
    const whoAmIs = () => hub.state.requests.filter((r) => r.method === 'GET' && r.path === '/api/whoami-v2' && r.auth === 'valid').length;
    const before = whoAmIs();
    await vscode.commands.executeCommand('sagemakerHf.openModelCard', vscode.Uri.file(path.join(tmp, 'run')));
    // The panel checks the token with whoAmI as it opens: at the user's Hub, and at no other host.
    await until("the panel's whoAmI at the user's Hub", () => {
      assert.deepEqual(received, [], 'the workspace-chosen host was asked');
      return whoAmIs() > before ? true : undefined;
    });
    assert.deepEqual(received, []);
  });

  it("listing training jobs goes to the user's AWS endpoints, signed with the user's credentials", async function () {
    if (!moto) {
      // In CI, setup-moto.sh has always run; only a developer machine without it skips.
      console.log(`skipping: ${motoInstallProblem()}`);
      this.skip();
    }
    const sm = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    await sm.send(
      new CreateTrainingJobCommand({
        TrainingJobName: 'users-own-account-job',
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
        OutputDataConfig: { S3OutputPath: 's3://b/out/' },
        ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      }),
    );
    sm.destroy();
    const api = await vscode.extensions.getExtension<SageMakerHfApi>(EXTENSION_ID)!.activate();
    await api.refreshTrainingJobs();
    // Listed through moto with the environment's credentials: a profile named by the workspace would
    // have failed to resolve, and a workspace endpoint would have been asked instead.
    assert.ok(
      api.trainingJobs().some((j) => j.name === 'users-own-account-job'),
      `the view lists ${
        api
          .trainingJobs()
          .map((j) => j.name)
          .join(', ') || 'nothing'
      }`,
    );
    assert.deepEqual(received, []);
  });
});
