import * as vscode from 'vscode';
import { COMMANDS } from '../core/common/commands';
import { findModel, onDidChangeSettings, readSettings } from './config';
import { Disposable } from './lifecycle';

/** `o3-mini · medium` in the status bar; a click opens the model picker. */
export class ModelStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('reasoner.model', vscode.StatusBarAlignment.Right, 100));

  constructor() {
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

  update(): void {
    const settings = readSettings();
    const model = findModel(settings, settings.modelId);
    this.item.text = `$(sparkle) ${model?.label ?? settings.modelId} · ${settings.effort}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Reasoner**: ${model?.label ?? settings.modelId}, ${settings.effort} reasoning effort\n\n`);
    tooltip.appendMarkdown(model ? `${model.description}\n\n` : `$(warning) "${settings.modelId}" is not a known model.\n\n`);
    tooltip.appendMarkdown('Click to change the model and effort.');
    this.item.tooltip = tooltip;
    this.item.backgroundColor = model ? undefined : new vscode.ThemeColor('statusBarItem.warningBackground');
  }
}
