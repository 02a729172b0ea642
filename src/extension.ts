import * as vscode from 'vscode';
import type { SageMakerHfApi } from './api';
import { registerCommands } from './commands/commandTable';
import { runLocally } from './commands/runLocally';
import { AwsSession } from './host/awsSession';
import { HubSession } from './host/hubSession';
import { JOB_FILE_GLOB } from './host/ids';
import { InFlightLaunches } from './host/inFlightLaunches';
import { asDescription, LocalJobs } from './host/localJobs';
import { Log } from './host/log';
import { PreflightSession } from './host/preflightSession';
import { ReadonlyDocuments } from './host/readonlyDocuments';
import type { Services } from './host/services';
import { Settings } from './host/settings';
import { JobFileCodeLens } from './language/jobFileCodeLens';
import { registerLanguage } from './language/registerLanguage';
import { registerViews } from './views/registerViews';
import { CompareRunsPanels } from './webview/host/compareRunsPanels';
import { JobDashboardPanels } from './webview/host/jobDashboardPanels';
import { ModelCardPanels } from './webview/host/modelCardPanels';
import { openModelCard } from './webview/host/openModelCard';

/**
 * Composition root: builds the services once (the only place that constructs them) and hands them to
 * each feature; every command, view and panel gets them from this one object.
 */
export async function activate(context: vscode.ExtensionContext): Promise<SageMakerHfApi> {
  const log = new Log();
  context.subscriptions.push(log);
  try {
    const services = createServices(context, log);
    const language = registerLanguage(services);
    const views = registerViews(services);
    const modelCards = new ModelCardPanels(services);
    const dashboards = new JobDashboardPanels(services, {
      origin: (name) => views.tree.findJob(name)?.origin,
      jobs: () => views.tree.jobs().map((v) => ({ name: v.name, status: v.status, origin: views.tree.findJob(v.name)?.origin ?? 'cloud' })),
      describe: (name) => views.tree.description(name),
    });
    const comparisons = new CompareRunsPanels(services, {
      origin: (name) => views.tree.findJob(name)?.origin,
      jobs: () => views.tree.jobs().map((v) => ({ name: v.name, status: v.status, origin: views.tree.findJob(v.name)?.origin ?? 'cloud' })),
      describe: (name) => views.tree.description(name),
    });
    const features = { diagnostics: language.diagnostics, tree: views.tree, logs: views.logs, notifications: views.notifications };
    context.subscriptions.push(
      language.disposable,
      modelCards,
      dashboards,
      comparisons,
      views.disposable,
      vscode.languages.registerCodeLensProvider({ pattern: JOB_FILE_GLOB }, new JobFileCodeLens()),
      registerCommands({
        services,
        diagnostics: language.diagnostics,
        jobs: { services, tree: views.tree, logs: views.logs },
        // Launch's own state (the launches in flight) lives with it; the rest comes from services.
        launch: {
          services,
          aws: services.aws,
          documents: services.documents,
          preflight: services.preflight,
          launchesInFlight: new InFlightLaunches(),
          budgets: views.budgets,
          ...features,
        },
        runLocally: runLocally({ services, ...features }),
        openModelCard: openModelCard(services, modelCards, {
          describe: async (name) => {
            const record = await services.local.record(name);
            return record ? asDescription(record) : views.tree.description(name);
          },
        }),
        download: { services, tree: views.tree },
        openDashboard: dashboards.command(),
        compareRuns: comparisons.command(),
      }),
    );
    return {
      trainingJobs: () => views.tree.jobs(),
      refreshTrainingJobs: () => views.tree.reload(),
      jobLog: (name) => views.logs.text(name),
      tuningJobs: () => views.tree.tuningJobs().map((n) => n.view),
      notifications: () => [...views.notifications.shown],
    };
  } catch (err) {
    // VS Code does not tell the user when an extension fails to activate, so we do.
    log.for('activate').error('activation failed:', err);
    void vscode.window.showErrorMessage(`SageMaker HF Trainer failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

/** Every service of the extension, each built once; disposed with the extension. */
function createServices(context: vscode.ExtensionContext, log: Log): Services {
  const settings = new Settings(log.for('settings'));
  const services: Services = {
    context,
    log,
    settings,
    hub: new HubSession(context.secrets),
    aws: new AwsSession(settings),
    local: new LocalJobs(settings),
    documents: new ReadonlyDocuments(),
    preflight: new PreflightSession(),
  };
  context.subscriptions.push(services.aws, services.local, services.documents);
  return services;
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
