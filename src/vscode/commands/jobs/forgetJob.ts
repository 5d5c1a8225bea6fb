import type * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Jobs } from '../../jobs/jobs';
import { registerJobCommand } from './jobArgument';

/** reasoner.jobs.forget: Removes an ended background answer from the Jobs view. */
export function registerForgetJob(jobs: Jobs): vscode.Disposable {
  return registerJobCommand(COMMANDS.forgetJob, (id) => jobs.forget(id));
}
