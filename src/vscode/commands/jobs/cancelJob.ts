import type * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Jobs } from '../../jobs/jobs';
import { registerJobCommand } from './jobArgument';

/** reasoner.jobs.cancel: Cancels a running background answer at the gateway (billing stops) and stops polling it. */
export function registerCancelJob(jobs: Jobs): vscode.Disposable {
  return registerJobCommand(COMMANDS.cancelJob, (id) => jobs.cancel(id));
}
