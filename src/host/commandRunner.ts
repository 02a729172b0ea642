import * as vscode from 'vscode';
import type { ComponentLog } from './log';
import { awsAccessProblem } from '../aws/awsErrors';

/** Raised to end a command quietly: the user cancelled, nothing to report. */
export class Cancelled extends Error {
  readonly code = 'cancelled';
}

/**
 * The one error boundary of every command and of the Model Card panel's actions: logs once, shows the
 * message with a way to the log, and stays silent on cancellation.
 */
export function guarded<A extends unknown[]>(name: string, log: ComponentLog, showLog: () => void, fn: (...args: A) => unknown): (...args: A) => Promise<unknown> {
  return async (...args: A) => {
    try {
      // The result goes back to executeCommand's caller (a command may answer, e.g. the folder it wrote).
      return await fn(...args);
    } catch (err) {
      reportFailure(name, err, log, showLog);
      return undefined;
    }
  };
}

/**
 * What the boundary does with a failure, for code that handles part of a failure itself first (the
 * Model Card's push shows it in the page too): nothing on cancellation; otherwise `<name> failed:` in the
 * log and the message, or the next step when AWS could not be asked at all, with "Show Log".
 */
export function reportFailure(name: string, err: unknown, log: ComponentLog, showLog: () => void): void {
  if (err instanceof Cancelled || err instanceof vscode.CancellationError) return;
  log.error(`${name} failed:`, err);
  const message = awsAccessProblem(err, 'extension') ?? (err instanceof Error ? err.message : String(err));
  void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
    if (choice === 'Show Log') showLog();
  });
}
