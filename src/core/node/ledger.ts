/**
 * The spend ledger on disk: one JSON file of {@link SpendEntry}s (model, entry point,
 * tokens, cost; never prompt or answer text), written atomically like the history.
 * A file that does not parse is moved aside and reported; the ledger starts over.
 * Writes are queued one after another so concurrent answers never lose an entry.
 */
import { NULL_LOGGER, type Logger } from '../common/logger';
import { isSpendEntry, type SpendEntry } from '../common/spend';
import { QueuedFileWriter, readKeptJson } from './history';

const LEDGER_VERSION = 1;
/** About a year of heavy use; older entries are dropped first. */
const MAX_ENTRIES = 50_000;

export class SpendLedger {
  private entries: SpendEntry[] = [];
  private loaded: Promise<void> | undefined;
  private readonly writer: QueuedFileWriter;

  constructor(private readonly file: string, private readonly log: Logger = NULL_LOGGER) {
    this.writer = new QueuedFileWriter(file, (error) => this.log.warn(`Could not write the spend ledger: ${error instanceof Error ? error.message : String(error)}`));
  }

  get path(): string {
    return this.file;
  }

  load(): Promise<void> {
    this.loaded ??= this.read();
    return this.loaded;
  }

  async all(): Promise<readonly SpendEntry[]> {
    await this.load();
    return this.entries;
  }

  /** Appends one answer's spend; resolves once it is on disk. */
  async record(entry: SpendEntry): Promise<void> {
    await this.load();
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    await this.writer.write(JSON.stringify({ version: LEDGER_VERSION, entries: this.entries }));
  }

  private async read(): Promise<void> {
    const entries = await readKeptJson(this.file, (value) => {
      const parsed = value as { version?: unknown; entries?: unknown };
      if (parsed?.version !== LEDGER_VERSION || !Array.isArray(parsed.entries)) throw new Error('not a ledger');
      return parsed.entries.filter(isSpendEntry);
    }, (aside, reason) => this.log.warn(`The spend ledger could not be read (${reason}); moved to ${aside} and started over.`));
    if (entries) this.entries = entries;
  }
}
