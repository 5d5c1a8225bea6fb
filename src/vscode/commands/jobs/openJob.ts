import type * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Jobs } from '../../jobs/jobs';
import { registerJobCommand } from './jobArgument';

/** reasoner.jobs.open: Shows where a background answer is, or will be (its chat turn, its inline thread). */
export function registerOpenJob(jobs: Jobs): vscode.Disposable {
  return registerJobCommand(COMMANDS.openJob, (id) => jobs.open(id));
}
