import * as vscode from 'vscode';
import { COMMANDS } from '../core/common/commands';
import { plainMessage } from '../core/common/plainMessage';
import { findModel, onDidChangeSettings, type SettingsReader } from './config';
import { Disposable } from './lifecycle';

/** `o3-mini · medium` in the status bar; a click opens the model picker. */
export class ModelStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('reasoner.model', vscode.StatusBarAlignment.Right, 100));

  constructor(private readonly settings: SettingsReader) {
    super();
    this.item.name = 'Reasoner Model';
    this.item.command = COMMANDS.selectModel;
    this.register(onDidChangeSettings(() => this.update()));
    this.update();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  get tooltip(): vscode.MarkdownString | string | undefined {
    return this.item.tooltip;
  }

  /**
   * The model id may come from a workspace's settings: it is shown literally, as
   * text (an icon in the text, or a link or image in the tooltip, would be its doing).
   */
  update(): void {
    const settings = this.settings.current();
    const model = findModel(settings, settings.modelId);
    const label = model?.label ?? settings.modelId;
    this.item.text = `$(sparkle) ${plainMessage(`${label} · ${settings.effort}`)}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**Reasoner**: ');
    tooltip.appendText(`${label}, ${settings.effort} reasoning effort`);
    tooltip.appendMarkdown('\n\n');
    if (model) {
      tooltip.appendText(model.description);
    } else {
      tooltip.appendMarkdown('$(warning) ');
      tooltip.appendText(`"${settings.modelId}" is not a known model.`);
    }
    tooltip.appendMarkdown('\n\nClick to change the model and effort.');
    this.item.tooltip = tooltip;
    this.item.backgroundColor = model ? undefined : new vscode.ThemeColor('statusBarItem.warningBackground');
  }
}
