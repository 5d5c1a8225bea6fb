/**
 * A "window" of Reasoner built as activate() builds one (key store, runner, spend ledger, chat,
 * inline threads, job list), on folders a test chooses. Closing it goes the way deactivate()
 * does (the runner shuts down, then everything is disposed); opening another on the same folders
 * is what the next window after a reload or restart sees.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/core/common/jobs';
import { listModels } from '../../src/core/common/models';
import { isSpendEntry, type SpendEntry } from '../../src/core/common/spend';
import { ComparisonStore } from '../../src/core/node/comparisonStore';
import { JobStore } from '../../src/core/node/jobStore';
import { SpendLedger } from '../../src/core/node/ledger';
import { ChatViewProvider } from '../../src/vscode/chat/chatViewProvider';
import { Comparisons } from '../../src/vscode/compare/comparisons';
import { InlineThreads } from '../../src/vscode/inline/inlineThreads';
import { chatFallbackPlace } from '../../src/vscode/jobs/jobFallback';
import { Jobs, type JobsOptions } from '../../src/vscode/jobs/jobs';
import { placeJobs } from '../../src/vscode/jobs/setupJobs';
import { Notifier } from '../../src/vscode/notify';
import { ReasonerRequestRunner } from '../../src/vscode/requestRunner';
import { ApiKeyStore } from '../../src/vscode/secrets';
import { SpendTracker } from '../../src/vscode/spend';
import { MemoryLog } from './chatPage';
import { EXTENSION_ID, reasoner } from './helpers';

export interface WindowFolders {
  readonly chat: string;
  readonly jobs: string;
  readonly ledger: string;
  readonly comparisons: string;
}

export interface TestWindow {
  readonly runner: ReasonerRequestRunner;
  readonly chat: ChatViewProvider;
  readonly inline: InlineThreads;
  /** Compare Models, keeping its comparisons in the workspace's storage as the extension does. */
  readonly comparisons: Comparisons;
  readonly jobs: Jobs;
  readonly notifier: Notifier;
  readonly keys: ApiKeyStore;
  readonly log: MemoryLog;
  /** As VS Code closes a window: deactivate (the runner shuts down), and every disposable at once. */
  close(): Promise<void>;
  /** As a window that dies: the job list stops on the spot (no lease is given back), then the runner. */
  crash(): Promise<void>;
}

export function windowFolders(): WindowFolders {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-jobs-it-'));
  return { chat: path.join(root, 'chat'), jobs: path.join(root, 'jobs', 'jobs.json'), ledger: path.join(root, 'usage', 'ledger.json'), comparisons: path.join(root, 'compare', 'comparisons.json') };
}

export async function openWindow(folders: WindowFolders, options: JobsOptions = {}, onCorrupt?: (movedTo: string) => void): Promise<TestWindow> {
  const api = await reasoner();
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  const log = new MemoryLog();
  const notifier = new Notifier();
  const keys = new ApiKeyStore(api.services.context.secrets);
  const runner = new ReasonerRequestRunner(api.services.settings, keys, log, notifier, new SpendTracker(new SpendLedger(folders.ledger, log), notifier, log));
  const chat = new ChatViewProvider({
    extensionUri: extension.extensionUri, storageDir: folders.chat, runner, log,
    getModels: () => listModels(), getCurrent: () => ({ modelId: 'o3-pro', effort: 'high' }),
  });
  await chat.model.ready;
  const inline = new InlineThreads(runner, api.services.settings);
  const store = new JobStore(folders.jobs, log, onCorrupt);
  const jobs = new Jobs(store, runner, notifier, log, chatFallbackPlace(runner, chat), { keyChanged: keys.onDidChange, ...options });
  const comparisons = new Comparisons({
    extensionUri: extension.extensionUri, runner, settings: api.services.settings, log, proposals: api.services.proposals, chat, store: new ComparisonStore(folders.comparisons, log),
  });
  const placed = placeJobs(jobs, chat, inline, comparisons);
  const disposeAll = (): void => {
    for (const disposable of [...placed, jobs, comparisons, inline, chat, runner, keys]) disposable.dispose();
  };
  return {
    runner, chat, inline, comparisons, jobs, notifier, keys, log,
    async close() {
      // As VS Code's extension host does: deactivate() is called, then every subscription is disposed at once,
      // before the runs it cancelled have ended.
      jobs.closing();
      const shutdown = runner.shutdown();
      disposeAll();
      await shutdown;
    },
    async crash() {
      jobs.dispose();
      await runner.shutdown();
      disposeAll();
    },
  };
}

export async function storedJobs(folders: WindowFolders): Promise<JobRecord[]> {
  return new JobStore(folders.jobs).list();
}

export function ledgerEntries(folders: WindowFolders): SpendEntry[] {
  if (!fs.existsSync(folders.ledger)) return [];
  const parsed = JSON.parse(fs.readFileSync(folders.ledger, 'utf8')) as { entries: unknown[] };
  return parsed.entries.filter(isSpendEntry);
}
