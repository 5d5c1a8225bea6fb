import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import { JobsView } from '../../jobs/jobsView';

/** reasoner.showJobs: reveals the Jobs view (the status bar's job count runs it). */
export function registerShowJobs(): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showJobs, () => vscode.commands.executeCommand(`${JobsView.viewId}.focus`));
}
