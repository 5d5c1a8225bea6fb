/**
 * Images for the next chat prompt, as the host accepts them: pasted or dropped
 * on the page (base64 the page read from the file) or chosen with the host's
 * file picker. Everything is checked here, whatever the page already checked:
 * the type from the first bytes, the base64 shape, the decoded size, how many
 * a prompt carries. A refusal is told on the page, with the file's name and
 * what to do.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  IMAGE_FILE_EXTENSIONS, IMAGE_LIMITS, checkImageData, displayName, imageAttachment, imageCountRefusal, imageSizeRefusal,
} from '../../core/common/images';
import type { Logger } from '../../core/common/logger';
import type { ImageChip } from '../../core/common/protocol';
import { messageOf } from '../errorMessage';
import type { ChatModel } from './chatModel';
import type { ChatPage } from './chatPage';

export interface ChatImageParts {
  readonly model: ChatModel;
  readonly page: ChatPage;
  readonly log: Logger;
}

type Added = { readonly chip: ImageChip } | { readonly refused: string; readonly full?: true };

export class ChatImages {
  constructor(private readonly parts: ChatImageParts) {}

  /** An image the page sent (pasted or dropped); undefined when it was refused (the page is told why). */
  attachData(name: string, base64: string): ImageChip | undefined {
    const added = this.add(name, base64);
    if ('chip' in added) return added.chip;
    this.refuse(added.refused);
    return undefined;
  }

  /**
   * Attach Image: the files chosen in the host's file picker (or `uris`, for
   * tests and other entry points), each checked like a pasted image; a file too
   * large is refused from its size, before it is read.
   */
  async attachFiles(uris?: readonly vscode.Uri[]): Promise<ImageChip[]> {
    const chosen = uris ?? await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: true,
      openLabel: vscode.l10n.t('Attach'),
      title: vscode.l10n.t('Attach Images to the Chat'),
      filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] },
    });
    const attached: ImageChip[] = [];
    let overflow = 0;
    for (const uri of chosen ?? []) {
      const name = path.posix.basename(uri.path);
      if (this.parts.model.getImages().length >= IMAGE_LIMITS.maxPerMessage) {
        overflow++;
        continue;
      }
      let base64: string;
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > IMAGE_LIMITS.maxBytes) {
          this.refuse(imageSizeRefusal(name, stat.size));
          continue;
        }
        base64 = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('base64');
      } catch (error) {
        this.refuse(`"${displayName(name)}" could not be read: ${messageOf(error)}`);
        continue;
      }
      const added = this.add(name, base64);
      if ('chip' in added) attached.push(added.chip);
      else if (added.full) overflow++;
      else this.refuse(added.refused);
    }
    if (overflow > 0) this.refuse(imageCountRefusal(overflow));
    return attached;
  }

  private add(name: string, base64: string): Added {
    const check = checkImageData(name, base64);
    if (!check.ok) return { refused: check.message };
    const added = this.parts.model.addImage(imageAttachment(name, base64, check));
    return 'chip' in added ? added : { refused: added.refused, full: true };
  }

  private refuse(message: string): void {
    this.parts.log.info(`Chat: ${message}`);
    this.parts.page.notice('warning', message);
  }
}
