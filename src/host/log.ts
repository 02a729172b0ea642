import { inspect } from 'util';
import * as vscode from 'vscode';

/**
 * The extension's own log: one LogOutputChannel, each line tagged with the component that wrote it.
 * Job logs from CloudWatch go to their own channels, untouched.
 */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('SageMaker HF Trainer', { log: true });

  for(component: string): ComponentLog {
    const fmt = (args: unknown[]) =>
      `[${component}] ${args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : inspect(a, { depth: 4 }))).join(' ')}`;
    return {
      trace: (...a) => this.channel.trace(fmt(a)),
      debug: (...a) => this.channel.debug(fmt(a)),
      info: (...a) => this.channel.info(fmt(a)),
      warn: (...a) => this.channel.warn(fmt(a)),
      error: (...a) => this.channel.error(fmt(a)),
    };
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export interface ComponentLog {
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
