import * as vscode from 'vscode';
import { registerCommands } from './commands/commandTable';
import { HubSession } from './host/hubSession';
import { Log } from './host/log';
import { Settings } from './host/settings';
import type { Services } from './host/services';
import { registerLanguage } from './language/registerLanguage';

/** Composition root: builds the services once and hands them to each feature. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = new Log();
  context.subscriptions.push(log);
  try {
    const services: Services = { context, log, settings: new Settings(), hub: new HubSession(context.secrets) };
    const language = registerLanguage(services);
    context.subscriptions.push(language.disposable, registerCommands({ services, diagnostics: language.diagnostics }));
  } catch (err) {
    // VS Code does not tell the user when an extension fails to activate, so we do.
    log.for('activate').error('activation failed:', err);
    void vscode.window.showErrorMessage(`SageMaker HF Trainer failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
