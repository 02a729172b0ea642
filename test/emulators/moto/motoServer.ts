// Starts the AWS emulator the tests run against: moto (unpacked by scripts/setup-moto.sh into .tools/moto)
// behind our SageMaker lifecycle launcher (sagemakerLifecycle.py beside this file), on a free 127.0.0.1 port.
//
//   const moto = await startMoto({ simSeconds: 2 });
//   const sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
//   ...
//   await moto.stop();
//
// A server never outlives its test run: it is killed on stop(), when this process exits, when this process
// dies without exiting cleanly (the launcher watches its parent), and after maxLifetimeSeconds in any case.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Debian's interpreter: the `python3` on PATH may be a pyenv build that does not see Debian's dist-packages. */
export const MOTO_PYTHON = '/usr/bin/python3';
export const MOTO_SETUP_COMMAND = 'sudo bash scripts/setup-moto.sh';

export type MotoEmulatorErrorCode = 'MotoNotInstalled' | 'MotoStartFailed' | 'MotoRequestFailed';

export class MotoEmulatorError extends Error {
  constructor(
    readonly code: MotoEmulatorErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'MotoEmulatorError';
  }
}

/** How one named job behaves; read once, when the job is created. */
export interface SimulatedJobSettings {
  outcome?: 'Completed' | 'Failed';
  simSeconds?: number;
  logLinesPerHost?: number;
  /** Replaces the default FailureReason (an ExecuteUserScriptError with a CUDA OOM). */
  failureReason?: string;
  /** Only this host (algo-N) prints the failure's traceback; the other hosts' logs just stop. */
  failingHost?: number;
  /** The warm pool's ResourceRetainedBillableTimeInSeconds once it is Terminated or Reused (default: the wall-clock seconds it was Available). */
  warmPoolRetainedSeconds?: number;
}

/** The launcher's effective settings (GET /moto-api/sim/config). */
export interface SimulationSettings {
  /** Seconds from CreateTrainingJob to Completed. */
  simSeconds: number;
  /** Seconds from StopTrainingJob (Stopping) to Stopped. */
  stopSeconds: number;
  /** Trainer lines per algo-N log stream, besides a fixed preamble and epilogue. */
  logLinesPerHost: number;
  /** Regular expression (Python `re.search`) over job names: matching jobs fail. */
  failJobs: string | null;
  jobs: Record<string, SimulatedJobSettings>;
}

/** A partial update: a key set to null goes back to its launch value; a job set to null loses its entry. */
export interface SimulationUpdate {
  simSeconds?: number | null;
  stopSeconds?: number | null;
  logLinesPerHost?: number | null;
  failJobs?: string | null;
  jobs?: Record<string, SimulatedJobSettings | null>;
}

export interface MotoStartOptions {
  /** Launch values of the settings; POST /moto-api/reset returns to these. */
  simSeconds?: number;
  stopSeconds?: number;
  logLinesPerHost?: number;
  failJobs?: string;
  /** Fixed port; default: a free one. */
  port?: number;
  /** How long to wait for the server to answer; default 20 s. */
  readyTimeoutMs?: number;
  /** The server exits by itself after this long; default 1800 s. */
  maxLifetimeSeconds?: number;
  /** Where setup-moto.sh put moto; default $MOTO_TOOLS_DIR or <repo>/.tools/moto. */
  toolsDir?: string;
}

export interface MotoServer {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Kills the server and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
  /** POST /moto-api/reset: drops every resource of every service and the settings changed by configure(). */
  reset(): Promise<void>;
  configure(update: SimulationUpdate): Promise<SimulationSettings>;
  settings(): Promise<SimulationSettings>;
  /** The server's last output lines, for error messages. */
  logTail(lines?: number): string;
}

export interface AwsTestClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** S3 only (moto serves buckets by path); the other clients ignore it. */
  forcePathStyle: boolean;
}

/** Config for any @aws-sdk v3 client pointed at the emulator. */
export function awsTestClientConfig(endpoint: string): AwsTestClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
  };
}

const LAUNCHER = path.join('test', 'emulators', 'moto', 'sagemakerLifecycle.py');
const DIST_PACKAGES = path.join('root', 'usr', 'lib', 'python3', 'dist-packages');
const LOG_TAIL_LINES = 200;

/** The checkout this file belongs to, found from here whether it runs from test/ or compiled under out/. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, LAUNCHER))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new MotoEmulatorError('MotoNotInstalled', `Cannot find ${LAUNCHER} above ${__dirname}.`, { from: __dirname });
    }
  }
}

export function motoToolsDir(): string {
  return process.env.MOTO_TOOLS_DIR || path.join(repoRoot(), '.tools', 'moto');
}

/** Why the emulator cannot start here, with what to do about it; undefined when it can. */
export function motoInstallProblem(toolsDir: string = motoToolsDir()): string | undefined {
  if (!existsSync(path.join(toolsDir, 'versions.txt')) || !existsSync(path.join(toolsDir, DIST_PACKAGES, 'moto'))) {
    return `moto is not set up in ${toolsDir}. Run \`${MOTO_SETUP_COMMAND}\` once (Debian 12, about 10 s; it unpacks moto 5.1 from trixie without touching the system's apt sources).`;
  }
  if (!existsSync(MOTO_PYTHON)) {
    return `${MOTO_PYTHON} is missing. Install Debian's python3, then run \`${MOTO_SETUP_COMMAND}\`.`;
  }
  return undefined;
}

export async function startMoto(options: MotoStartOptions = {}): Promise<MotoServer> {
  const toolsDir = options.toolsDir ?? motoToolsDir();
  const problem = motoInstallProblem(toolsDir);
  if (problem) {
    throw new MotoEmulatorError('MotoNotInstalled', problem, { toolsDir });
  }
  // A free port can be taken between our probe and moto's bind; try a few before giving up.
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(port, toolsDir, options);
    } catch (error) {
      const portTaken = error instanceof MotoEmulatorError && /Address already in use/.test(String(error.context.logTail));
      if (!portTaken || attempt >= attempts) {
        throw error;
      }
    }
  }
}

async function launch(port: number, toolsDir: string, options: MotoStartOptions): Promise<MotoServer> {
  const root = repoRoot();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PYTHONPATH: path.join(toolsDir, DIST_PACKAGES),
    SIM_EXIT_WITH_PARENT: '1',
    SIM_MAX_LIFETIME_SECONDS: String(options.maxLifetimeSeconds ?? 1800),
  };
  setIfGiven(env, 'SIM_SECONDS', options.simSeconds);
  setIfGiven(env, 'SIM_STOP_SECONDS', options.stopSeconds);
  setIfGiven(env, 'SIM_LOG_LINES_PER_HOST', options.logLinesPerHost);
  setIfGiven(env, 'SIM_FAIL_JOBS', options.failJobs);

  const child = spawn(MOTO_PYTHON, [path.join(root, LAUNCHER), '-H', '127.0.0.1', '-p', String(port)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputTail(LOG_TAIL_LINES);
  child.stdout?.on('data', (chunk: Buffer) => output.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.add(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The exit hook kills a server a test forgot to stop; unref() lets such a test process end at all.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.unref();
  (child.stdout as net.Socket | null)?.unref();
  (child.stderr as net.Socket | null)?.unref();

  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) {
      return;
    }
    stopped = true;
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
  };

  try {
    await waitUntilReady(endpoint, child, exited, output, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    stop,
    reset: async () => {
      await request(endpoint, 'POST', '/moto-api/reset', undefined, output);
    },
    configure: async (update) => (await request(endpoint, 'POST', '/moto-api/sim/config', update, output)) as SimulationSettings,
    settings: async () => (await request(endpoint, 'GET', '/moto-api/sim/config', undefined, output)) as SimulationSettings,
    logTail: (lines = 40) => output.tail(lines),
  };
}

function setIfGiven(env: NodeJS.ProcessEnv, key: string, value: number | string | undefined): void {
  if (value !== undefined) {
    env[key] = String(value);
  }
}

async function waitUntilReady(endpoint: string, child: ChildProcess, exited: Promise<number | null>, output: OutputTail, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) {
      throw startFailure(`exited with code ${exitCode} before it answered`, child, output);
    }
    try {
      // The sim endpoint exists only when our launcher (not a plain moto) is serving the port.
      const response = await fetch(`${endpoint}/moto-api/sim/config`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() >= deadline) {
      throw startFailure(`did not answer within ${timeoutMs} ms`, child, output);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startFailure(what: string, child: ChildProcess, output: OutputTail): MotoEmulatorError {
  const logTail = output.tail(30);
  return new MotoEmulatorError(
    'MotoStartFailed',
    `The moto emulator (pid ${child.pid}) ${what}. If moto itself fails to import, run \`${MOTO_SETUP_COMMAND}\` again. Its last output:\n${logTail}`,
    { pid: child.pid, logTail },
  );
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  // Hold the event loop open until the server is really gone (it was unref'd while it ran).
  child.ref();
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 3000);
  });
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

async function request(endpoint: string, method: 'GET' | 'POST', route: string, body: unknown, output: OutputTail): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${endpoint}${route}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new MotoEmulatorError('MotoRequestFailed', `${method} ${route} did not reach the moto emulator at ${endpoint}: ${String(error)}. Its last output:\n${output.tail(20)}`, {
      route,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new MotoEmulatorError('MotoRequestFailed', `${method} ${route} was refused by the moto emulator (${response.status}): ${text}`, {
      route,
      status: response.status,
    });
  }
  return text ? JSON.parse(text) : undefined;
}

/** Keeps the last lines the server printed, without letting a chatty server grow memory. */
class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.limit) {
      this.lines.splice(0, this.lines.length - this.limit);
    }
  }

  tail(count: number): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].slice(-count).join('\n');
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
