import * as vscode from 'vscode';
import { BudgetWatch } from '../core/cost/budget';
import { totalUsd } from '../core/cost/jobCost';
import { CommandId } from '../host/ids';
import { Disposable } from '../host/lifecycle';
import type { JobCostUpdate, TrainingJobsTree } from './trainingJobsTree';

/**
 * The budgets (max_cost_usd) of the jobs this window launched, held while they run: each time the
 * tree prices a job, a warning at 80 %, and at 100 % a confirmation to stop it (never a stop
 * without one). The budget is not sent to SageMaker, so only the window that launched knows it.
 */
export class JobBudgets extends Disposable {
  private readonly watches = new Map<string, BudgetWatch>();

  constructor(tree: TrainingJobsTree) {
    super();
    this.register(tree.onDidUpdateCost((u) => void this.observe(u)));
  }

  watch(jobName: string, budgetUsd: number): void {
    this.watches.set(jobName, new BudgetWatch(jobName, budgetUsd));
  }

  private async observe(update: JobCostUpdate): Promise<void> {
    const watch = this.watches.get(update.name);
    if (!watch) return;
    if (update.cost.state === 'ended') {
      this.watches.delete(update.name);
      return;
    }
    const usd = totalUsd(update.cost);
    if (usd === undefined) return;
    const event = watch.observe(usd);
    if (!event) return;
    if (event.level === 'warning') {
      const choice = await vscode.window.showWarningMessage(`${event.message} It will be offered a stop at 100 %.`, 'Stop Job Now');
      if (choice === 'Stop Job Now') await vscode.commands.executeCommand(CommandId.stopJob, update.name);
      return;
    }
    const stop = 'Stop Job';
    const choice = await vscode.window.showWarningMessage(
      event.message,
      { modal: true, detail: `Stop ${update.name} now? Its script gets SIGTERM and 120 s to save its model. Keep Running lets it go on billing past the budget.` },
      stop,
      'Keep Running',
    );
    if (choice === stop) await vscode.commands.executeCommand(CommandId.stopJob, update.name);
  }
}
