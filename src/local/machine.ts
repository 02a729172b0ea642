/** What the local machine offers in place of a training instance. */

import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import * as os from 'node:os';

import { LocalJobError } from './localJobError';

export interface PythonInterpreter {
  /** `sys.executable`: what the toolkit puts first in the command line. */
  executable: string;
  version: string;
}

/** Runs the interpreter once, so a wrong setting fails before any folder is created. */
export function probeInterpreter(interpreter: string, env: NodeJS.ProcessEnv = process.env): Promise<PythonInterpreter> {
  return new Promise((resolve, reject) => {
    execFile(
      interpreter,
      ['-c', 'import json, sys; print(json.dumps([sys.executable, sys.version.split()[0], sys.version_info[0]]))'],
      { timeout: 30_000, env },
      (error, stdout) => {
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
          const [executable, version, major] = JSON.parse(stdout.trim()) as [string, string, number];
          if (major < 3) {
            reject(new LocalJobError('InterpreterTooOld', `"${interpreter}" is Python ${version}; training scripts need Python 3.`, { interpreter, version }));
            return;
          }
          resolve({ executable: executable || interpreter, version });
        } catch {
          reject(new LocalJobError('InterpreterNotFound', `"${interpreter}" did not answer like a Python interpreter.`, { interpreter }));
        }
      },
    );
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
