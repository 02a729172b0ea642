import * as vscode from 'vscode';
import { guarded } from '../host/commandRunner';
import { CommandId } from '../host/ids';
import type { Services } from '../host/services';
import type { JobFileDiagnostics } from '../language/jobFileDiagnostics';
import { checkSetup } from './checkSetup';
import { cleanUp } from './cleanUp';
import { createQuickstart } from './createQuickstart';
import { diagnosisCommands } from './diagnosisCommands';
import { downloadModel } from './downloadModel';
import type { DownloadDeps } from './downloadModel';
import { jobCommands } from './jobCommands';
import { launchTraining, previewTrainingRequest } from './launchTraining';
import type { LaunchDeps } from './launchTraining';
import type { JobCommandDeps } from './jobCommands';
import { newJobFile } from './newJobFile';
import { clearHubToken, setHubToken } from './setHubToken';
import { validateWorkspace } from './validateWorkspace';
import { clickedRowOnly } from '../views/treeSelection';

export interface CommandDeps {
  services: Services;
  diagnostics: JobFileDiagnostics;
  jobs: JobCommandDeps;
  openModelCard: (...args: never[]) => unknown;
  openDashboard: (...args: never[]) => unknown;
  compareRuns: (...args: never[]) => unknown;
  launch: LaunchDeps;
  runLocally: (...args: never[]) => unknown;
  download: DownloadDeps;
}

type Handler = (...args: never[]) => unknown;

/** Every command of the extension, one entry each; a test checks it against package.json both ways. */
export function commandTable(deps: CommandDeps): Record<CommandId, Handler> {
  const { services } = deps;
  const jobs = jobCommands(deps.jobs);
  const diagnosis = diagnosisCommands(deps.jobs);
  return {
    [CommandId.newJobFile]: newJobFile(services),
    [CommandId.createQuickstart]: createQuickstart(services),
    [CommandId.validateWorkspace]: validateWorkspace(services, deps.diagnostics),
    [CommandId.showExtensionLog]: () => services.log.show(),
    [CommandId.setHubToken]: setHubToken(services),
    [CommandId.clearHubToken]: clearHubToken(services),
    [CommandId.refreshJobs]: jobs.refresh,
    [CommandId.loadMoreJobs]: jobs.loadMore,
    [CommandId.filterJobsByStatus]: jobs.filterByStatus,
    [CommandId.filterJobsByName]: jobs.filterByName,
    [CommandId.clearJobFilter]: jobs.clearFilter,
    [CommandId.showJobLogs]: jobs.showLogs,
    [CommandId.stopTailing]: jobs.stopTailing,
    [CommandId.stopJob]: jobs.stopJob,
    [CommandId.describeJob]: jobs.describeJob,
    [CommandId.cloneJobFile]: jobs.cloneJobFile,
    [CommandId.stopTuningJob]: jobs.stopTuningJob,
    [CommandId.cloneBestTrial]: jobs.cloneBestTrial,
    [CommandId.copyJobName]: jobs.copyName,
    [CommandId.copyJobArn]: jobs.copyArn,
    [CommandId.openJobInConsole]: jobs.openInConsole,
    [CommandId.focusJobs]: jobs.focusView,
    [CommandId.openModelCard]: deps.openModelCard,
    [CommandId.launchTraining]: launchTraining(deps.launch),
    [CommandId.previewRequest]: previewTrainingRequest(deps.launch),
    [CommandId.runLocally]: deps.runLocally,
    [CommandId.downloadModel]: downloadModel(deps.download),
    [CommandId.checkSetup]: checkSetup(services),
    [CommandId.showDiagnosis]: diagnosis.showDiagnosis,
    [CommandId.openJobTerminal]: diagnosis.openTerminal,
    [CommandId.openDashboard]: deps.openDashboard,
    [CommandId.cleanUp]: cleanUp(services, deps.jobs.tree),
    [CommandId.releaseWarmPool]: jobs.releaseWarmPool,
    [CommandId.relaunchInWarmPool]: jobs.relaunchInWarmPool,
    [CommandId.compareRuns]: deps.compareRuns,
  };
}

/** Commands that act on every selected row of the Training Jobs view; the others get the clicked row only. */
const takesSelection: ReadonlySet<string> = new Set<string>([CommandId.compareRuns]);

export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const log = deps.services.log.for('commands');
  const table = commandTable(deps);
  return vscode.Disposable.from(
    ...Object.entries(table).map(([id, handler]) =>
      vscode.commands.registerCommand(
        id,
        guarded(
          id,
          log,
          () => deps.services.log.show(),
          takesSelection.has(id) ? (handler as (...args: unknown[]) => unknown) : (...args: unknown[]) => (handler as (...a: unknown[]) => unknown)(...clickedRowOnly(args)),
        ),
      ),
    ),
  );
}
