import * as vscode from 'vscode';
import { consoleUrl } from '../core/jobs/trainingJobView';
import { TRAINING_JOB_STATUSES } from '../core/sagemaker/jobStatus';
import { Cancelled } from '../host/commandRunner';
import { CommandId, focusViewCommand, ViewId } from '../host/ids';
import type { Services } from '../host/services';
import type { JobLogChannels } from '../logs/jobLogChannels';
import { JobNode, TuningJobNode } from '../views/jobNodes';
import type { TrainingJobsTree } from '../views/trainingJobsTree';

export interface JobCommandDeps {
  services: Services;
  tree: TrainingJobsTree;
  logs: JobLogChannels;
}

/** A job argument from the tree (a node), a notification (a name), or nothing (ask). */
export type JobArg = JobNode | string | undefined;

async function pickJob(
  deps: JobCommandDeps,
  arg: JobArg,
  filter: (origin: 'cloud' | 'local', status: string) => boolean = () => true,
): Promise<{ name: string; origin: 'cloud' | 'local' }> {
  if (arg instanceof JobNode) return { name: arg.view.name, origin: arg.origin };
  if (typeof arg === 'string') return { name: arg, origin: deps.tree.findJob(arg)?.origin ?? 'cloud' };
  const items = [...deps.tree.jobs()]
    .map((v) => ({ v, origin: (deps.tree.findJob(v.name)?.origin ?? 'cloud') as 'cloud' | 'local' }))
    .filter(({ v, origin }) => filter(origin, v.status))
    .map(({ v, origin }) => ({ label: v.name, description: `${v.status}${origin === 'local' ? ' · local' : ''}`, origin }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Training job',
    placeHolder: items.length ? 'Pick a training job' : 'No job loaded: refresh the Training Jobs view',
  });
  if (!picked) throw new Cancelled();
  return { name: picked.label, origin: picked.origin };
}

/** A tuning job argument from the tree (a node), another extension (a name), or nothing (ask). */
export type TuningJobArg = TuningJobNode | string | undefined;

async function pickTuningJob(deps: JobCommandDeps, arg: TuningJobArg, filter: (node: TuningJobNode) => boolean = () => true): Promise<{ name: string; origin: 'cloud' | 'local' }> {
  if (arg instanceof TuningJobNode) return { name: arg.view.name, origin: arg.origin };
  if (typeof arg === 'string') return { name: arg, origin: deps.tree.findTuningJob(arg) || !deps.tree.findTuningJob(arg, 'local') ? 'cloud' : 'local' };
  const items = deps.tree
    .tuningJobs()
    .filter(filter)
    .map((n) => ({ label: n.view.name, description: `${n.view.status} · ${n.view.countsText}${n.origin === 'local' ? ' · local' : ''}`, origin: n.origin }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Hyperparameter tuning job',
    placeHolder: items.length ? 'Pick a tuning job' : 'No tuning job loaded: refresh the Training Jobs view',
  });
  if (!picked) throw new Cancelled();
  return { name: picked.label, origin: picked.origin };
}

/** A cloud tuning job's best trial: its DescribeTrainingJob, cloned as Clone as Job File does (core/jobs/bestTrialJobFile.ts). */
async function cloudBestTrialClone(deps: JobCommandDeps, name: string): Promise<{ text: string; fileName: string; notes: string[]; best: { name: string } }> {
  const tuning = await deps.tree.tuningDetails(name);
  const best = tuning.view.best;
  if (!best) throw new Error(`Tuning job ${name} has no best trial yet: no trial has completed with a value of ${tuning.view.objective?.name ?? 'its objective metric'}.`);
  const d = await deps.tree.description(best.name);
  const { aws } = deps.services;
  const { trainingJobTags } = aws.jobs();
  const tags = d.TrainingJobArn ? await trainingJobTags(aws.clients(), d.TrainingJobArn).catch(() => []) : [];
  const { bestTrialJobFile } = require('../core/jobs/bestTrialJobFile') as typeof import('../core/jobs/bestTrialJobFile');
  return { ...bestTrialJobFile(d, tuning.view, { tags }), best };
}

/**
 * A local tuning run's best trial: the run's own job file with `tuning:` dropped and the trial's tuned values
 * as hyperparameters (core/tuning/cloneBestTrial.ts, the local tuning run's clone), since a local trial has no
 * DescribeTrainingJob of a launched request to clone from.
 */
async function localBestTrialClone(deps: JobCommandDeps, name: string): Promise<{ text: string; fileName: string; notes: string[]; best: { name: string } }> {
  const node = deps.tree.findTuningJob(name, 'local');
  const best = node?.view.best;
  if (!node || !best)
    throw new Error(`The local tuning job ${name} has no best trial yet: no trial has completed with a value of ${node?.view.objective?.name ?? 'its objective metric'}.`);
  if (!node.jobFile) throw new Error(`The local tuning job ${name} does not name the job file it ran from; clone its best trial's hyperparameters by hand.`);
  const text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(node.jobFile))).toString('utf8');
  const { cloneBestTrialJobFile } = require('../core/tuning/cloneBestTrial') as typeof import('../core/tuning/cloneBestTrial');
  return {
    text: cloneBestTrialJobFile(text, {
      tuningJobName: name,
      trialName: best.name,
      tunedHyperParameters: best.tunedHyperParameters,
      ...(best.objective !== undefined && node.view.objective ? { objective: { name: node.view.objective.name, value: best.objective } } : {}),
    }),
    fileName: `${best.name}.sagemaker.yaml`,
    notes: [],
    best,
  };
}

export function jobCommands(deps: JobCommandDeps) {
  return {
    refresh: () => deps.tree.reload(),
    loadMore: () => deps.tree.loadPage(),

    /** The status may be given (keybindings, other extensions); otherwise it is asked. */
    filterByStatus: async (status?: string) => {
      const statuses: string[] = ['Any', ...TRAINING_JOB_STATUSES];
      const current = deps.tree.currentFilter;
      let label = typeof status === 'string' && statuses.includes(status) ? status : undefined;
      if (!label) {
        const picked = await vscode.window.showQuickPick(
          statuses.map((s) => ({ label: s, picked: s === (current.status ?? 'Any') })),
          { title: 'Show training jobs with status' },
        );
        if (!picked) throw new Cancelled();
        label = picked.label;
      }
      await deps.tree.setFilter({ ...current, ...(label === 'Any' ? { status: undefined } : { status: label }) });
    },

    filterByName: async (text?: string) => {
      const current = deps.tree.currentFilter;
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({ title: 'Show training jobs whose name contains', value: current.nameContains ?? '', prompt: 'Empty to show all' });
      if (value === undefined) throw new Cancelled();
      await deps.tree.setFilter({ ...current, nameContains: value.trim() || undefined });
    },

    clearFilter: () => deps.tree.setFilter({}),

    showLogs: async (arg: JobArg) => {
      const job = await pickJob(deps, arg);
      if (job.origin === 'local') deps.logs.channel(job.name).show(true);
      else deps.logs.show(job.name);
    },

    stopTailing: async (arg: JobArg) => {
      const job = await pickJob(deps, arg, (origin) => origin === 'cloud');
      deps.logs.stop(job.name);
    },

    /** `{ confirmed: true }` skips the question, for keybindings and other extensions that asked already. */
    stopJob: async (arg: JobArg, options?: { confirmed?: boolean }): Promise<string> => {
      const job = await pickJob(deps, arg, (_o, status) => status === 'InProgress');
      if (options?.confirmed !== true) {
        const choice = await vscode.window.showWarningMessage(
          `Stop training job ${job.name}?`,
          { modal: true, detail: 'SageMaker stops the instances; what the script saved to /opt/ml/model so far is uploaded. This cannot be undone.' },
          'Stop Job',
        );
        if (choice !== 'Stop Job') throw new Cancelled();
      }
      if (job.origin === 'local') {
        await deps.services.local.stop(job.name);
        return 'Stopped';
      } else {
        const { aws } = deps.services;
        const { stopTrainingJob } = aws.jobs();
        const result = await stopTrainingJob(aws.clients(), job.name);
        void vscode.window.showInformationMessage(`Training job ${job.name} is ${result.status}.`);
        await deps.tree.track(job.name);
        return result.status;
      }
    },

    /** UpdateTrainingJob with a keep-alive of 0: the Available warm pool stops billing now. */
    releaseWarmPool: async (arg: JobArg): Promise<string> => {
      const job = await pickJob(deps, arg, (origin, status) => origin === 'cloud' && status === 'Completed');
      const { aws } = deps.services;
      const { releaseWarmPool } = aws.jobs();
      const status = await releaseWarmPool(aws.clients(), job.name);
      void vscode.window.showInformationMessage(`The warm pool of ${job.name} is released (${status}); its instances stop billing.`);
      await deps.tree.track(job.name);
      return status;
    },

    /**
     * "Relaunch in Warm Pool": the job cloned as a job file (every field the warm-pool match depends on
     * kept as it was), planned, and a preview of the match field by field with its verdict; Launch from
     * there goes through the usual Launch (preview, cost, budget).
     */
    relaunchInWarmPool: async (arg: JobArg) => {
      const job = await pickJob(deps, arg, (origin, status) => origin === 'cloud' && status === 'Completed');
      const d = await deps.tree.description(job.name);
      const { aws } = deps.services;
      const { trainingJobTags } = aws.jobs();
      const tags = d.TrainingJobArn ? await trainingJobTags(aws.clients(), d.TrainingJobArn).catch(() => []) : [];
      const { jobFileFromDescription } = require('../core/jobs/jobFileFromDescription') as typeof import('../core/jobs/jobFileFromDescription');
      // A job that ran from instance_preferences holds its pool on the chosen type: the relaunch names it.
      const clone = jobFileFromDescription(d, { tags, chosenInstance: true });
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        title: 'Relaunch in Warm Pool: save the job file',
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, clone.fileName) } : {}),
        filters: { 'SageMaker job file': ['yaml', 'yml'] },
      });
      if (!target) throw new Cancelled();
      await vscode.workspace.fs.writeFile(target, Buffer.from(clone.text, 'utf8'));
      const doc = await vscode.workspace.openTextDocument(target);
      await vscode.window.showTextDocument(doc);
      const { planTrainingJob } = require('../aws/launch/planTrainingJob') as typeof import('../aws/launch/planTrainingJob');
      const planned = await planTrainingJob({ jobFilePath: target.fsPath, text: doc.getText(), clients: aws.clients() });
      if (planned.kind === 'invalid') throw new Error(`The cloned job file does not plan: ${planned.problems.map((p) => p.message).join(' ')}`);
      const { warmPoolMatch, renderWarmPoolMatch } = require('../core/jobs/warmPoolMatch') as typeof import('../core/jobs/warmPoolMatch');
      const match = warmPoolMatch(d, planned.plan.createTrainingJob);
      const choice = await vscode.window.showInformationMessage(
        match.matches
          ? `${planned.plan.createTrainingJob.TrainingJobName} will land on the warm pool of ${job.name}.`
          : `${planned.plan.createTrainingJob.TrainingJobName} will not match the warm pool of ${job.name}.`,
        {
          modal: true,
          detail: `${renderWarmPoolMatch(job.name, match)}\n\nEdit ${vscode.workspace.asRelativePath(target)} if you like (keep these fields for the match), then launch.`,
        },
        'Launch…',
      );
      if (choice === 'Launch…') await vscode.commands.executeCommand(CommandId.launchTraining, target);
      return match;
    },

    describeJob: async (arg: JobArg) => {
      const job = await pickJob(deps, arg, (origin) => origin === 'cloud');
      const d = await deps.tree.description(job.name);
      await deps.services.documents.show(`${job.name}.json`, `${JSON.stringify(d, (k, v) => (k === '$metadata' ? undefined : v), 2)}\n`);
    },

    cloneJobFile: async (arg: JobArg) => {
      const job = await pickJob(deps, arg, (origin) => origin === 'cloud');
      const d = await deps.tree.description(job.name);
      const { aws } = deps.services;
      const { trainingJobTags } = aws.jobs();
      const tags = d.TrainingJobArn ? await trainingJobTags(aws.clients(), d.TrainingJobArn).catch(() => []) : [];
      const { jobFileFromDescription } = require('../core/jobs/jobFileFromDescription') as typeof import('../core/jobs/jobFileFromDescription');
      const clone = jobFileFromDescription(d, { tags });
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        title: 'Clone as Job File',
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, clone.fileName) } : {}),
        filters: { 'SageMaker job file': ['yaml', 'yml'] },
      });
      if (!target) throw new Cancelled();
      await vscode.workspace.fs.writeFile(target, Buffer.from(clone.text, 'utf8'));
      await vscode.window.showTextDocument(target);
      if (clone.notes.length) void vscode.window.showInformationMessage(`Cloned ${job.name}. ${clone.notes.join(' ')}`);
    },

    /** StopHyperParameterTuningJob: no more trials, the running ones stopped. `{ confirmed: true }` skips the question. */
    stopTuningJob: async (arg: TuningJobArg, options?: { confirmed?: boolean }): Promise<string> => {
      const { name, origin } = await pickTuningJob(deps, arg, (n) => n.view.status === 'InProgress');
      if (options?.confirmed !== true) {
        const running = deps.tree.findTuningJob(name, origin)?.view.counts.running;
        const choice = await vscode.window.showWarningMessage(
          `Stop tuning job ${name}?`,
          {
            modal: true,
            detail: `SageMaker launches no more trials and stops the ${running ?? ''}${running === undefined ? '' : ' '}running one${running === 1 ? '' : 's'}; what each saved to /opt/ml/model so far is uploaded. The trials that completed stay. This cannot be undone.`,
          },
          'Stop Tuning Job',
        );
        if (choice !== 'Stop Tuning Job') throw new Cancelled();
      }
      if (origin === 'local') {
        await deps.services.local.stopTuning(name);
        return 'Stopped';
      }
      const { aws } = deps.services;
      const { stopTuningJob } = aws.tuning();
      const result = await stopTuningJob(aws.clients(), name);
      void vscode.window.showInformationMessage(`Tuning job ${name} is ${result.status}.`);
      await deps.tree.refreshTuningJob(name);
      return result.status;
    },

    /**
     * "Clone Best Trial as Job File": the best trial's DescribeTrainingJob without what the tuner added
     * (core/jobs/tuningJobView.ts `withoutTunerAdditions`), through the same clone as Clone as Job File, so
     * the file holds the best trial's hyperparameters and plans back to that trial's training request.
     */
    cloneBestTrial: async (arg: TuningJobArg): Promise<string> => {
      const { name, origin } = await pickTuningJob(deps, arg, (n) => n.view.best !== undefined);
      const clone = origin === 'local' ? await localBestTrialClone(deps, name) : await cloudBestTrialClone(deps, name);
      const best = clone.best;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        title: `Clone Best Trial of ${name} as Job File`,
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, clone.fileName) } : {}),
        filters: { 'SageMaker job file': ['yaml', 'yml'] },
      });
      if (!target) throw new Cancelled();
      await vscode.workspace.fs.writeFile(target, Buffer.from(clone.text, 'utf8'));
      await vscode.window.showTextDocument(target);
      if (clone.notes.length) void vscode.window.showInformationMessage(`Cloned ${best.name}. ${clone.notes.join(' ')}`);
      return target.fsPath;
    },

    copyName: async (arg: JobArg) => {
      const job = await pickJob(deps, arg);
      await vscode.env.clipboard.writeText(job.name);
    },

    copyArn: async (arg: JobArg) => {
      const job = await pickJob(deps, arg, (origin) => origin === 'cloud');
      const node = deps.tree.findJob(job.name);
      const arn = node?.view.arn ?? (await deps.tree.description(job.name)).TrainingJobArn;
      if (!arn) throw new Error(`No ARN known for ${job.name}.`);
      await vscode.env.clipboard.writeText(arn);
    },

    openInConsole: async (arg: JobArg) => {
      const job = await pickJob(deps, arg, (origin) => origin === 'cloud');
      const region = deps.tree.findJob(job.name)?.view.region ?? (await deps.services.aws.clients().region());
      await vscode.env.openExternal(vscode.Uri.parse(consoleUrl(region, job.name)));
    },

    focusView: () => vscode.commands.executeCommand(focusViewCommand(ViewId.trainingJobs)),
  };
}
