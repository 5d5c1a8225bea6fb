import type * as vscode from 'vscode';
import type { Logger } from '../core/common/logger';
import type { ChatBridge } from './chatBridge';
import type { SettingsReader } from './config';
import type { Comparisons } from './compare/comparisons';
import type { DefinitionContext } from './context/definitionContext';
import type { DiffPreview } from './diff/diffPreview';
import type { InlineThreads } from './inline/inlineThreads';
import type { Notifier } from './notify';
import type { ReasonerRequestRunner } from './requestRunner';
import type { ApiKeyStore } from './secrets';
import type { SpendTracker } from './spend';
import type { WalkthroughProgress } from './walkthrough';


/** What activate() builds once and hands to every command and view. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  /** The settings as they are now (VS Code's configuration). */
  readonly settings: SettingsReader;
  readonly keys: ApiKeyStore;
  readonly log: Logger;
  readonly logChannel: vscode.LogOutputChannel;
  readonly notifier: Notifier;
  readonly runner: ReasonerRequestRunner;
  readonly inline: InlineThreads;
  /** Pending proposed changes shown as diffs (Refactor Selection's and the chat's Apply to Selection). */
  readonly proposals: DiffPreview;
  /** The spend ledger and the monthly budget around every request. */
  readonly spend: SpendTracker;
  /** Marks the walkthrough's steps done on their real events. */
  readonly walkthrough: WalkthroughProgress;
  /** Open Compare Models panels. */
  readonly comparisons: Comparisons;
  /** The definitions the code sent uses, from the language providers (reasoner.context.*). */
  readonly definitions: DefinitionContext;
  /** The chat sidebar, for the entry points that hand it work. */
  readonly chat: ChatBridge;
}
