import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { plainMessage } from '../../core/common/plainMessage';
import { BUILT_IN_TEMPLATES, expandTemplate, templateUsesInput } from '../../core/common/prompts';
import type { PromptTemplate } from '../config';
import { streamToNewDocument } from '../documentOutput';
import { codeFromEditor, fileContext, requireEditor } from '../editorContext';
import { askInline } from '../inline/inlineTask';
import type { Services } from '../services';

interface TemplateItem extends vscode.QuickPickItem { readonly template: PromptTemplate }

/** The user's templates (reasoner.prompts) first, then the built-in examples. */
export function allTemplates(userPrompts: readonly PromptTemplate[]): PromptTemplate[] {
  return [...userPrompts, ...BUILT_IN_TEMPLATES.map((template) => ({ ...template }))];
}

/**
 * reasoner.runPrompt [name [, input]]: runs a template from reasoner.prompts
 * (or a built-in example) on the selection; the answer goes inline, to a new
 * document, or to the chat, as the template says.
 */
export function registerRunPrompt(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.runPrompt, async (name?: unknown, input?: unknown): Promise<string | undefined> => {
    const userPrompts = services.settings.current().prompts;
    const templates = allTemplates(userPrompts);
    let template: PromptTemplate | undefined;
    if (typeof name === 'string') {
      template = templates.find((candidate) => candidate.name === name);
      if (!template) {
        services.notifier.show('error', vscode.l10n.t('Reasoner: no prompt named "{0}" in reasoner.prompts.', name));
        return undefined;
      }
    } else {
      const userCount = userPrompts.length;
      const items: TemplateItem[] = templates.map((candidate, index) => ({
        template: candidate,
        label: plainMessage(candidate.name),
        description: plainMessage(`→ ${candidate.output}${index >= userCount ? ' · example' : ''}`),
        ...(candidate.description ? { detail: plainMessage(candidate.description) } : {}),
      }));
      const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Reasoner: Run Custom Prompt'), placeHolder: vscode.l10n.t('Pick a prompt (add your own in the reasoner.prompts setting)'), matchOnDetail: true });
      if (!picked) return undefined;
      template = picked.template;
    }

    const editor = requireEditor();
    if (!editor) return undefined;
    const code = editor.selection.isEmpty ? fileContext(editor.document) : await codeFromEditor(editor);
    let inputText = typeof input === 'string' ? input : undefined;
    if (templateUsesInput(template.prompt) && inputText === undefined) {
      inputText = await vscode.window.showInputBox({ title: `Reasoner: ${template.name}`, prompt: vscode.l10n.t('This prompt asks for your input'), ignoreFocusOut: true });
      if (inputText === undefined) return undefined;
    }
    const prompt = expandTemplate(template.prompt, {
      selection: code.context.code,
      language: code.document.languageId,
      fileName: code.context.fileName,
      ...(inputText !== undefined ? { input: inputText } : {}),
    });
    // The template carries the code itself through ${selection}; attach it only when it does not.
    const context = template.prompt.includes('${selection}') ? [] : [code.context];

    switch (template.output) {
      case 'document':
        return streamToNewDocument(services, {
          task: 'custom', source: `prompt:${template.name}`, question: prompt, context,
          languageId: 'markdown', stripFence: false, ...(template.model ? { modelId: template.model } : {}),
        });
      case 'chat':
        return services.chat.sendPrompt(prompt, context, template.model);
      case 'inline': {
        const anchored = editor.selection.isEmpty ? { ...code, range: editor.document.lineAt(editor.selection.active.line).range } : code;
        return askInline(services.inline, 'custom', prompt, { code: anchored, context, ...(template.model ? { modelId: template.model } : {}) });
      }
    }
  });
}
