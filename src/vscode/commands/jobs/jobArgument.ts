import * as vscode from 'vscode';
import type { JobRecord } from '../../../core/common/jobs';

/** The job a command is about: the view passes its record, a link or a test its id. */
export function jobIdOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object' && typeof (target as JobRecord).id === 'string') return (target as JobRecord).id;
  return undefined;
}

/** A command of the Jobs view's items: runs `action` with the job's id. */
export function registerJobCommand(command: string, action: (id: string) => Promise<void>): vscode.Disposable {
  return vscode.commands.registerCommand(command, async (target?: unknown) => {
    const id = jobIdOf(target);
    if (id) await action(id);
  });
}
