import * as vscode from 'vscode';
import type { ComponentLog } from './log';
import { awsAccessProblem } from '../aws/awsErrors';

/** Raised to end a command quietly: the user cancelled, nothing to report. */
export class Cancelled extends Error {
  readonly code = 'cancelled';
}

/**
 * The one error boundary of every command: logs once, shows the message with a way to the log,
 * and stays silent on cancellation.
 */
export function guarded<A extends unknown[]>(name: string, log: ComponentLog, showLog: () => void, fn: (...args: A) => unknown): (...args: A) => Promise<unknown> {
  return async (...args: A) => {
    try {
      // The result goes back to executeCommand's caller (a command may answer, e.g. the folder it wrote).
      return await fn(...args);
    } catch (err) {
      if (err instanceof Cancelled || (err instanceof vscode.CancellationError)) return undefined;
      log.error(`${name} failed:`, err);
      const message = awsAccessProblem(err, 'extension') ?? (err instanceof Error ? err.message : String(err));
      void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
        if (choice === 'Show Log') showLog();
      });
      return undefined;
    }
  };
}
