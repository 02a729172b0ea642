import * as vscode from 'vscode';
import type { SageMakerHfApi } from './api';
import { registerCommands } from './commands/commandTable';
import { runLocally } from './commands/runLocally';
import { AwsSession } from './host/awsSession';
import { HubSession } from './host/hubSession';
import { InFlightLaunches } from './host/inFlightLaunches';
import { PreflightSession } from './host/preflightSession';
import { asDescription, LocalJobs } from './host/localJobs';
import { Log } from './host/log';
import { ReadonlyDocuments } from './host/readonlyDocuments';
import { Settings } from './host/settings';
import type { Services } from './host/services';
import { JobFileCodeLens } from './language/jobFileCodeLens';
import { registerLanguage } from './language/registerLanguage';
import { registerViews } from './views/registerViews';
import { openModelCard } from './webview/host/openModelCard';
import { registerModelCardPanel } from './webview/host/modelCardPanel';
import { JOB_FILE_GLOB } from './host/ids';

/** Composition root: builds the services once and hands them to each feature. */
export async function activate(context: vscode.ExtensionContext): Promise<SageMakerHfApi> {
  const log = new Log();
  context.subscriptions.push(log);
  try {
    const settings = new Settings(log.for('settings'));
    const services: Services = { context, log, settings, hub: new HubSession(context.secrets) };
    const aws = new AwsSession(settings);
    const local = new LocalJobs();
    const documents = new ReadonlyDocuments();
    const language = registerLanguage(services);
    const views = registerViews(services, aws, local);
    const launch = { services, aws, diagnostics: language.diagnostics, documents, tree: views.tree, logs: views.logs, notifications: views.notifications, launchesInFlight: new InFlightLaunches(), preflight: new PreflightSession() };
    context.subscriptions.push(
      aws,
      local,
      documents,
      language.disposable,
      registerModelCardPanel(services),
      views.disposable,
      vscode.languages.registerCodeLensProvider({ pattern: JOB_FILE_GLOB }, new JobFileCodeLens()),
      registerCommands({
        services,
        diagnostics: language.diagnostics,
        jobs: { aws, tree: views.tree, logs: views.logs, documents, stopLocal: (name) => local.stop(name), showLocalLogs: (name) => views.logs.channel(name).show(true) },
        launch,
        runLocally: runLocally({ services, aws, diagnostics: language.diagnostics, local, logs: views.logs, tree: views.tree, notifications: views.notifications }),
        openModelCard: openModelCard(services, { describe: async (name) => { const record = await local.record(name); return record ? asDescription(record) : views.tree.description(name); } }),
        download: { aws, tree: views.tree, local },
      }),
    );
    return {
      trainingJobs: () => views.tree.jobs(),
      refreshTrainingJobs: () => views.tree.reload(),
      jobLog: (name) => views.logs.text(name),
    };
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
