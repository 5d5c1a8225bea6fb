/**
 * Chat history on disk, in plain Node `fs` under a directory the host chooses
 * (the extension passes a folder inside `context.globalStorageUri`).
 *
 *   <dir>/index.json      summaries of every conversation: the list opens without reading them all
 *   <dir>/<id>.json       one conversation, read only when it is opened
 *
 * Every file is written whole to a temp file, flushed, then renamed over the old
 * one, so a crash leaves the previous version or the new one, never half of
 * either. A file that does not parse, or has the wrong shape, is renamed
 * `<name>.corrupt-<timestamp>` (kept for the curious, out of the way), a warning
 * is logged and returned, and loading goes on with the rest. A missing or
 * corrupt index is rebuilt from the conversation files.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  type Conversation,
  type ConversationSummary,
  ID_PATTERN,
  isConversationSummary,
  parseConversation,
  recoverInterrupted,
  summarize,
} from '../common/conversation';
import { NULL_LOGGER, type Logger } from '../common/logger';

const INDEX_FILE = 'index.json';
const INDEX_VERSION = 1;
const TEMP_SUFFIX = '.tmp';

interface IndexFile {
  readonly version: number;
  readonly conversations: readonly ConversationSummary[];
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a JSON file a store keeps: undefined when there is none. A file that does not parse, or
 * that `parse` refuses by throwing, is moved aside to `<file>.corrupt-<stamp>` (kept, out of the
 * way) and `onCorrupt` is told where and why; the store then starts over.
 */
export async function readKeptJson<T>(
  file: string,
  parse: (value: unknown) => T,
  onCorrupt: (aside: string, reason: string) => void,
  stamp: number = Date.now(),
): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parse(JSON.parse(text));
  } catch (error) {
    const aside = `${file}.corrupt-${stamp}`;
    await fs.rename(file, aside).catch(() => undefined);
    onCorrupt(aside, error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/**
 * Writes one file, one write after another so that the newest data always lands last, each whole
 * (its folder made first) and atomic. A write that fails is reported and does not stop the next.
 */
export class QueuedFileWriter {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string, private readonly onError: (error: unknown) => void) {}

  /** Resolves once `data`, and every write queued before it, has been tried. */
  write(data: string): Promise<void> {
    const write = this.writing.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, data);
    });
    this.writing = write.catch(this.onError);
    return this.writing;
  }
}

/** Write `data` to `file` so that readers see either the old content or the new, never a part. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
  try {
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Windows refuses to replace a file another process has open for a moment: retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.rename(temp, file);
        return;
      } catch (error) {
        const code = errorCode(error);
        if (attempt >= 4 || !(code === 'EPERM' || code === 'EBUSY' || code === 'EACCES')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
      }
    }
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

export class ConversationStore {
  private readonly summaries = new Map<string, ConversationSummary>();
  private readonly cache = new Map<string, Conversation>();
  private writes: Promise<unknown> = Promise.resolve();
  private opened: Promise<readonly string[]> | undefined;
  /** Every warning since the store was created (corrupt files moved aside, index rebuilt...). */
  readonly warnings: string[] = [];

  /** The store only reports (info) and warns; any {@link Logger} fits. */
  constructor(readonly dir: string, private readonly log: Pick<Logger, 'info' | 'warn'> = NULL_LOGGER) {}

  fileFor(id: string): string {
    if (!ID_PATTERN.test(id)) throw new Error(`Invalid conversation id: ${JSON.stringify(id)}`);
    return path.join(this.dir, `${id}.json`);
  }

  get indexFile(): string {
    return path.join(this.dir, INDEX_FILE);
  }

  /** Reads the index (rebuilding it when needed). Idempotent; returns the warnings of this opening. */
  open(): Promise<readonly string[]> {
    this.opened ??= this.doOpen();
    return this.opened;
  }

  /** Summaries, most recently updated first. */
  list(): ConversationSummary[] {
    return [...this.summaries.values()].sort((a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt);
  }

  has(id: string): boolean {
    return this.summaries.has(id) || this.cache.has(id);
  }

  /** The conversation, read from disk on first use. Undefined when absent or moved aside as corrupt. */
  async load(id: string): Promise<Conversation | undefined> {
    await this.open();
    const cached = this.cache.get(id);
    if (cached) return cached;
    if (!ID_PATTERN.test(id)) return undefined;
    const file = this.fileFor(id);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        if (this.summaries.delete(id)) await this.enqueue(() => this.writeIndex());
        return undefined;
      }
      throw error;
    }
    const conversation = this.parse(text, id);
    if (!conversation) {
      await this.quarantine(file, 'conversation');
      if (this.summaries.delete(id)) await this.enqueue(() => this.writeIndex());
      return undefined;
    }
    if (recoverInterrupted(conversation)) await this.save(conversation);
    this.cache.set(id, conversation);
    return conversation;
  }

  /**
   * Writes the conversation and the index. The JSON is taken now, so later
   * changes to the object (a stream still appending) go out with the next save.
   */
  async save(conversation: Conversation): Promise<void> {
    await this.open();
    const file = this.fileFor(conversation.id);
    const data = JSON.stringify(conversation);
    this.cache.set(conversation.id, conversation);
    this.summaries.set(conversation.id, summarize(conversation));
    await this.enqueue(async () => {
      // A conversation deleted while this save waited stays deleted.
      if (!this.cache.has(conversation.id)) return;
      await writeFileAtomic(file, data);
      await this.writeIndex();
    });
  }

  async delete(id: string): Promise<void> {
    await this.open();
    this.cache.delete(id);
    this.summaries.delete(id);
    if (!ID_PATTERN.test(id)) return;
    const file = this.fileFor(id);
    await this.enqueue(async () => {
      await fs.rm(file, { force: true });
      await this.writeIndex();
    });
  }

  /** Resolves when every write queued so far has finished (tests, shutdown). */
  async flush(): Promise<void> {
    await this.writes.catch(() => undefined);
  }

  // -------------------------------------------------------------------------

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.writes.catch(() => undefined).then(job);
    this.writes = run;
    return run;
  }

  private warn(message: string): string {
    this.warnings.push(message);
    this.log.warn(message);
    return message;
  }

  private parse(text: string, expectedId?: string): Conversation | undefined {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    const conversation = parseConversation(value);
    if (!conversation || (expectedId !== undefined && conversation.id !== expectedId)) return undefined;
    return conversation;
  }

  private async quarantine(file: string, what: string): Promise<string> {
    const target = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await fs.rename(file, target);
      return this.warn(`Chat history: a ${what} file could not be read and was moved aside to ${target}.`);
    } catch (error) {
      return this.warn(`Chat history: a ${what} file (${file}) could not be read, nor moved aside: ${describe(error)}`);
    }
  }

  private async writeIndex(): Promise<void> {
    const index: IndexFile = { version: INDEX_VERSION, conversations: this.list() };
    await writeFileAtomic(this.indexFile, JSON.stringify(index));
  }

  private async doOpen(): Promise<readonly string[]> {
    const before = this.warnings.length;
    await fs.mkdir(this.dir, { recursive: true });
    const names = await fs.readdir(this.dir);

    // Temp files are what a crash between write and rename leaves: never the current version.
    await Promise.all(names.filter((n) => n.endsWith(TEMP_SUFFIX)).map((n) => fs.rm(path.join(this.dir, n), { force: true }).catch(() => undefined)));

    const onDisk = new Set(
      names.filter((n) => n.endsWith('.json') && n !== INDEX_FILE).map((n) => n.slice(0, -'.json'.length)).filter((id) => ID_PATTERN.test(id)),
    );

    let indexEntries: ConversationSummary[] | undefined;
    let rebuild = false;
    if (names.includes(INDEX_FILE)) {
      try {
        const value: unknown = JSON.parse(await fs.readFile(this.indexFile, 'utf8'));
        const candidate = value as Partial<IndexFile> | null;
        if (candidate && candidate.version === INDEX_VERSION && Array.isArray(candidate.conversations)
          && candidate.conversations.every(isConversationSummary)) {
          indexEntries = [...candidate.conversations];
        }
      } catch {
        indexEntries = undefined;
      }
      if (!indexEntries) {
        await this.quarantine(this.indexFile, 'history index');
        rebuild = true;
      }
    } else if (onDisk.size > 0) {
      this.log.info('Chat history: no index file; rebuilding it from the conversation files.');
      rebuild = true;
    }

    for (const entry of indexEntries ?? []) {
      if (onDisk.has(entry.id)) this.summaries.set(entry.id, entry);
      else rebuild = true; // listed but gone: drop it from the index
    }
    // Files the index does not know (another window wrote them, or the index was lost): read them once.
    for (const id of onDisk) {
      if (this.summaries.has(id)) continue;
      rebuild = true;
      const file = this.fileFor(id);
      const conversation = this.parse(await fs.readFile(file, 'utf8').catch(() => ''), id);
      if (conversation) this.summaries.set(id, summarize(conversation));
      else await this.quarantine(file, 'conversation');
    }
    if (rebuild) await this.enqueue(() => this.writeIndex());
    return this.warnings.slice(before);
  }
}
