/** What the local machine offers in place of a training instance. */

import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import * as os from 'node:os';

import { LocalJobError } from './localJobError';

export interface PythonInterpreter {
  /** `sys.executable`: what the toolkit puts first in the command line. */
  executable: string;
  version: string;
  /**
   * Versions of the ML frameworks installed in the interpreter (FRAMEWORK_PACKAGES), by distribution
   * name; {} when none is. Read from the installed metadata, without importing them (fast).
   */
  packages: Record<string, string>;
}

/** The packages a model card names as the run's frameworks, when the interpreter has them. */
export const FRAMEWORK_PACKAGES = ['torch', 'transformers', 'tensorflow', 'datasets', 'accelerate', 'tokenizers', 'safetensors', 'evaluate'] as const;

const PROBE = [
  'import json, sys',
  'packages = {}',
  'try:',
  '    from importlib import metadata',
  '    for name in sys.argv[1:]:',
  '        try:',
  '            packages[name] = metadata.version(name)',
  '        except Exception:',
  '            pass',
  'except ImportError:',
  '    pass',
  'print(json.dumps([sys.executable, sys.version.split()[0], sys.version_info[0], packages]))',
].join('\n');

/** The machine a local job runs on, as the model card describes it. */
export interface MachineFacts {
  /** `Linux 6.1.0-18-amd64 (x64)`. */
  os: string;
  cpu: string;
  cpus: number;
  gpus: number;
}

export function describeMachine(gpus: number): MachineFacts {
  const model = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim();
  return { os: `${os.type()} ${os.release()} (${os.arch()})`, cpu: model || os.arch(), cpus: cpuCount(), gpus };
}

/** Runs the interpreter once, so a wrong setting fails before any folder is created. */
export function probeInterpreter(interpreter: string, env: NodeJS.ProcessEnv = process.env): Promise<PythonInterpreter> {
  return new Promise((resolve, reject) => {
    execFile(interpreter, ['-c', PROBE, ...FRAMEWORK_PACKAGES], { timeout: 30_000, env }, (error, stdout) => {
      if (error) {
        reject(
          new LocalJobError(
            'InterpreterNotFound',
            `Cannot run the Python interpreter "${interpreter}" (${(error as NodeJS.ErrnoException).code ?? error.message}). ` +
              'Install Python 3 or point the local run at an interpreter that exists.',
            { interpreter },
          ),
        );
        return;
      }
      try {
        const [executable, version, major, found] = JSON.parse(stdout.trim()) as [string, string, number, Record<string, string> | undefined];
        if (major < 3) {
          reject(new LocalJobError('InterpreterTooOld', `"${interpreter}" is Python ${version}; training scripts need Python 3.`, { interpreter, version }));
          return;
        }
        const packages = Object.fromEntries(Object.entries(found ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
        resolve({ executable: executable || interpreter, version, packages });
      } catch {
        reject(new LocalJobError('InterpreterNotFound', `"${interpreter}" did not answer like a Python interpreter.`, { interpreter }));
      }
    });
  });
}

/** TK environment.num_gpus: the lines of `nvidia-smi --list-gpus` that start with "GPU ". */
export function detectGpuCount(): Promise<number> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--list-gpus'], { timeout: 10_000 }, (error, stdout) => {
      if (error) resolve(0);
      else resolve(stdout.split('\n').filter((line) => line.startsWith('GPU ')).length);
    });
  });
}

/** TK environment.num_cpus: `multiprocessing.cpu_count()`. */
export function cpuCount(): number {
  return os.cpus().length || 1;
}

/** A TCP port on 127.0.0.1 that is free right now, for the hosts' rendezvous. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
