/**
 * The Compare Models tabs a workspace keeps across reloads: one JSON file of
 * {@link SavedComparison}s, most recently changed first, written atomically.
 * Writes are queued one after another; the newest state always wins. A file
 * that does not parse is moved aside (as the spend ledger and the job list do)
 * and reported; the list starts over.
 */
import { MAX_SAVED_COMPARISONS, parseSavedComparison, type SavedComparison } from '../common/compare';
import { NULL_LOGGER, type Logger } from '../common/logger';
import { QueuedFileWriter, readKeptJson } from './history';

const COMPARISONS_VERSION = 1;

export class ComparisonStore {
  private comparisons: SavedComparison[] = [];
  private loaded: Promise<void> | undefined;
  private readonly writer: QueuedFileWriter;

  constructor(private readonly file: string, private readonly log: Logger = NULL_LOGGER) {
    this.writer = new QueuedFileWriter(file, (error) => this.log.warn(`Compare Models: could not keep the open comparisons: ${error instanceof Error ? error.message : String(error)}`));
  }

  async get(id: string): Promise<SavedComparison | undefined> {
    await this.load();
    return this.comparisons.find((comparison) => comparison.id === id);
  }

  async all(): Promise<readonly SavedComparison[]> {
    await this.load();
    return this.comparisons;
  }

  /** Keeps the comparison as it is now, first in the list; the oldest beyond the limit are dropped. */
  async keep(comparison: SavedComparison): Promise<void> {
    await this.load();
    this.comparisons = [comparison, ...this.comparisons.filter((saved) => saved.id !== comparison.id)].slice(0, MAX_SAVED_COMPARISONS);
    await this.write();
  }

  async forget(id: string): Promise<void> {
    await this.load();
    const kept = this.comparisons.filter((saved) => saved.id !== id);
    if (kept.length === this.comparisons.length) return;
    this.comparisons = kept;
    await this.write();
  }

  private load(): Promise<void> {
    this.loaded ??= this.read();
    return this.loaded;
  }

  private async read(): Promise<void> {
    const comparisons = await readKeptJson(this.file, (value) => {
      const parsed = value as { version?: unknown; comparisons?: unknown };
      if (parsed?.version !== COMPARISONS_VERSION || !Array.isArray(parsed.comparisons)) throw new Error('unexpected shape');
      return parsed.comparisons.map(parseSavedComparison).filter((saved): saved is SavedComparison => saved !== undefined);
    }, (aside, reason) => this.log.warn(`Compare Models: the kept comparisons could not be read (${reason}); moved to ${aside} and started over.`));
    if (comparisons) this.comparisons = comparisons;
  }

  private write(): Promise<void> {
    return this.writer.write(JSON.stringify({ version: COMPARISONS_VERSION, comparisons: this.comparisons }));
  }
}
