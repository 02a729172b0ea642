/**
 * A host's process tree. Each host starts in its own process group (`detached`), so that stopping
 * it reaches everything the script started too — data loader workers, a shell's children — the
 * way tearing down a SageMaker container does.
 */

import { execFile, spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

export type HostProcess = ChildProcessByStdio<null, Readable, Readable>;

export interface StartOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function startProcessGroup(options: StartOptions): HostProcess {
  return spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

/** Sends `signal` to the whole group led by `pid`; false when nothing was left to signal. */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  if (process.platform === 'win32') {
    // No process groups: taskkill /T walks the tree (and cannot be graceful).
    execFile('taskkill', ['/pid', String(pid), '/T', '/F'], () => undefined);
    return true;
  }
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const SIGNAL_NUMBERS: Readonly<Record<string, number>> = constants.signals as unknown as Record<string, number>;
