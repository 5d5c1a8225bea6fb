/**
 * How the try-it sandbox opens, shared by scripts/try.sh (test/harness/try-it.ts) and the
 * end-to-end test that walks a newcomer's first run through it: on the sample's README,
 * with the three things to try, and no empty side bar beside it.
 */
import * as path from 'node:path';

/** User settings of the sandbox's workbench. */
export function sandboxSettings(baseUrl: string | undefined): Record<string, unknown> {
  return {
    // The secondary side bar has nothing of Reasoner's: an empty panel beside the README says nothing.
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...(baseUrl ? { 'reasoner.baseUrl': baseUrl } : {}),
  };
}

/** The file the sandbox opens on. */
export function sandboxReadme(folder: string): string {
  return path.join(folder, 'README.md');
}
