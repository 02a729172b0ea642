import * as vscode from 'vscode';
import { ViewId } from '../host/ids';
import type { Services } from '../host/services';
import { JobLogChannels } from '../logs/jobLogChannels';
import { registerTracebackLinks } from '../logs/tracebackLinks';
import { JobEndNotifications, JobStatusBar } from './jobStatusBar';
import { TrainingJobsTree } from './trainingJobsTree';
import { JobBudgets } from './jobBudgets';

export interface Views {
  tree: TrainingJobsTree;
  logs: JobLogChannels;
  notifications: JobEndNotifications;
  budgets: JobBudgets;
  disposable: vscode.Disposable;
}

export function registerViews(services: Services): Views {
  const tree = new TrainingJobsTree(services.aws, services.settings, services.log.for('jobs'), services.local, services.preflight);
  const view = vscode.window.createTreeView(ViewId.trainingJobs, {
    treeDataProvider: tree,
    showCollapseAll: true,
    // Several rows at once for Compare Runs; every other row command acts on the clicked row (commands/commandTable.ts).
    canSelectMany: true,
  });
  tree.attach(view);
  const logs = new JobLogChannels(services.aws, services.settings, services.log.for('logs'));
  const notifications = new JobEndNotifications(tree, logs.onDidSeeJobEnd);
  const statusBar = new JobStatusBar(tree);
  const links = registerTracebackLinks(() => services.local.root());
  const budgets = new JobBudgets(tree);
  return { tree, logs, notifications, budgets, disposable: vscode.Disposable.from(tree, view, logs, notifications, statusBar, links, budgets) };
}
