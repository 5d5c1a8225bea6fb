/**
 * Where text meets VS Code's small surfaces, a pure checker over file texts:
 * every string handed to a notification (`show{Information,Warning,Error}Message`,
 * message, `detail` and buttons), a progress (`withProgress` title,
 * `report({ message })`, a chat response's `progress`), the status bar
 * (`setStatusBarMessage`, an item's `text` and `tooltip`), a quick pick item
 * (`label`, `description`, `detail`) or an input box `prompt` must be our own
 * text or pass through `plainMessage`.
 *
 * Our own text is what the source decides: literals; `vscode.l10n.t` with a literal
 * message and placeholders that are themselves our own; numbers (arithmetic,
 * `.length`, a few formatters of numbers); `typeof`; constants declared with such
 * values, in the file or imported from ours, and their properties; a variable or
 * parameter typed as a number, a boolean or literals; the element a `.map`-like
 * callback gets from a constant array of ours; and templates, concatenations and
 * conditionals of those. Anything else (an untyped parameter, a property of an
 * object, a call's result, a `let`) may hold foreign text, and is accepted only
 * inside `plainMessage(…)`. A Markdown tooltip may take foreign text through `appendText`,
 * which VS Code escapes, but `appendMarkdown` only our own.
 *
 * Syntax only (no type checker): a parser reads ~70 files in milliseconds.
 */

import * as path from 'node:path';
import * as ts from 'typescript';
import type { SourceFile } from './layering';

export interface SurfaceViolation {
  /** `src/vscode/x.ts:12` */
  readonly where: string;
  /** The sink: `progress.report message`, `quick pick label`… */
  readonly surface: string;
  /** The expression as written. */
  readonly text: string;
}

export interface SurfaceScan {
  readonly violations: readonly SurfaceViolation[];
  /** Every value checked, violation or not: proves the scan saw the call sites. */
  readonly checked: readonly { readonly where: string; readonly surface: string }[];
}

const NEUTRALISER = 'plainMessage';
const NUMBER_FORMATTERS = new Set(['formatElapsed', 'formatUsd', 'formatCost', 'String']);
const MESSAGE_CALLS = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage']);
const QUICK_PICK_TEXT = ['label', 'description', 'detail'];
const ELEMENT_CALLBACKS = new Set(['map', 'filter', 'flatMap', 'forEach', 'find', 'some', 'every']);

type Parsed = ReadonlyMap<string, ts.SourceFile>;

export function scanSurfaces(files: readonly SourceFile[], under = 'src/vscode/'): SurfaceScan {
  const parsed: Parsed = new Map(files.map((file) => [file.path, ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)]));
  const violations: SurfaceViolation[] = [];
  const checked: { where: string; surface: string }[] = [];
  for (const [file, source] of parsed) {
    if (!file.startsWith(under)) continue;
    const oursIn = new Ours(parsed);
    const check = (node: ts.Expression, surface: string): void => {
      const where = `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
      checked.push({ where, surface });
      if (!oursIn.text(node)) violations.push({ where, surface, text: node.getText(source) });
    };
    const checkItems = (items: ts.Expression, surface: string): void => {
      for (const item of quickPickItems(items, oursIn)) {
        if (!item) {
          check(items, `${surface}: items that cannot be traced to their object literals`);
          continue;
        }
        for (const [name, value] of properties(item)) if (QUICK_PICK_TEXT.includes(name)) check(value, `${surface} ${name}`);
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const name = calleeName(node);
        const [first] = node.arguments;
        if (name && MESSAGE_CALLS.has(name)) {
          for (const argument of node.arguments) {
            if (ts.isObjectLiteralExpression(argument)) propertyValue(argument, 'detail', (value) => check(value, `${name} detail`));
            else check(ts.isSpreadElement(argument) ? argument.expression : argument, `${name} message or button`);
          }
        } else if (name === 'setStatusBarMessage' && first) {
          check(first, 'status bar message');
        } else if (name === 'withProgress' && first && ts.isObjectLiteralExpression(first)) {
          propertyValue(first, 'title', (value) => check(value, 'withProgress title'));
        } else if (name === 'report' && first && ts.isObjectLiteralExpression(first)) {
          propertyValue(first, 'message', (value) => check(value, 'progress.report message'));
        } else if (name === 'progress' && first && ts.isPropertyAccessExpression(node.expression) && isChatResponseStream(node.expression.expression)) {
          check(first, 'chat progress');
        } else if ((name === 'showInputBox' || name === 'createInputBox') && first && ts.isObjectLiteralExpression(first)) {
          propertyValue(first, 'prompt', (value) => check(value, 'input box prompt'));
        } else if (name === 'showQuickPick' && first) {
          checkItems(first, 'quick pick');
        }
      } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
        const property = node.left.name.text;
        if (property === 'items') checkItems(node.right, 'quick pick');
        else if (property === 'prompt') check(node.right, 'input box prompt');
        else if ((property === 'text' || property === 'tooltip') && isStatusBarItem(node.left.expression, source)) {
          if (property === 'tooltip' && ts.isIdentifier(node.right)) checkMarkdownTooltip(node.right, oursIn, check);
          else check(node.right, `status bar ${property}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { violations, checked };
}

/** `x.y.name(…)` or `name(…)` → name. */
function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isIdentifier(callee)) return callee.text;
  return undefined;
}

function propertyValue(literal: ts.ObjectLiteralExpression, name: string, take: (value: ts.Expression) => void): void {
  for (const [key, value] of properties(literal)) if (key === name) take(value);
}

/** The named properties of an object literal, those of spread literals (through conditionals) included. */
function properties(literal: ts.ObjectLiteralExpression): [string, ts.Expression][] {
  return literal.properties.flatMap((property): [string, ts.Expression][] => {
    if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) return [[property.name.text, property.initializer]];
    if (ts.isShorthandPropertyAssignment(property)) return [[property.name.text, property.name]];
    if (ts.isGetAccessorDeclaration(property) && ts.isIdentifier(property.name)) {
      const name = property.name.text;
      return returnedExpressions(property).map((returned): [string, ts.Expression] => [name, returned]);
    }
    if (ts.isSpreadAssignment(property)) return spreadLiterals(property.expression).flatMap(properties);
    return [];
  });
}

function spreadLiterals(expression: ts.Expression): ts.ObjectLiteralExpression[] {
  const inner = unwrap(expression);
  if (ts.isObjectLiteralExpression(inner)) return [inner];
  if (ts.isConditionalExpression(inner)) return [...spreadLiterals(inner.whenTrue), ...spreadLiterals(inner.whenFalse)];
  return [];
}

/** The item literals an items expression is made of; `undefined` for a part that cannot be traced. */
function quickPickItems(items: ts.Expression, ours: Ours, seen = new Set<ts.Node>()): (ts.ObjectLiteralExpression | undefined)[] {
  const inner = unwrap(items);
  if (seen.has(inner)) return [];
  seen.add(inner);
  if (ts.isObjectLiteralExpression(inner)) return [inner];
  if (ts.isArrayLiteralExpression(inner)) {
    return inner.elements.flatMap((element) => quickPickItems(ts.isSpreadElement(element) ? element.expression : element, ours, seen));
  }
  if (ts.isConditionalExpression(inner)) return [...quickPickItems(inner.whenTrue, ours, seen), ...quickPickItems(inner.whenFalse, ours, seen)];
  if (ts.isIdentifier(inner)) {
    const declaration = ours.constant(inner);
    return declaration ? quickPickItems(declaration, ours, seen) : [undefined];
  }
  if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression)) {
    const method = inner.expression.name.text;
    if (method === 'filter' || method === 'slice') return quickPickItems(inner.expression.expression, ours, seen);
    const callback = inner.arguments[0];
    if (method === 'map' && callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
      const returned = returnedExpressions(callback);
      return returned.length > 0 ? returned.flatMap((expression) => quickPickItems(expression, ours, seen)) : [undefined];
    }
  }
  return [undefined];
}

function returnedExpressions(fn: ts.ArrowFunction | ts.FunctionExpression | ts.GetAccessorDeclaration): ts.Expression[] {
  if (!fn.body) return [];
  if (!ts.isBlock(fn.body)) return [fn.body];
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    else if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body, visit);
  return found;
}

/** A parameter declared as VS Code's chat response stream. */
function isChatResponseStream(receiver: ts.Expression): boolean {
  if (!ts.isIdentifier(receiver)) return false;
  for (let scope: ts.Node | undefined = receiver.parent; scope; scope = scope.parent) {
    if (!ts.isFunctionLike(scope)) continue;
    const parameter = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === receiver.text);
    if (parameter) return parameter.type?.getText().endsWith('ChatResponseStream') ?? false;
  }
  return false;
}

/** `this.item` or `item` where the file made `item` with `createStatusBarItem(…)`. */
function isStatusBarItem(target: ts.Expression, source: ts.SourceFile): boolean {
  const name = ts.isPropertyAccessExpression(target) ? target.name.text : ts.isIdentifier(target) ? target.text : undefined;
  if (!name) return false;
  let made = false;
  const visit = (node: ts.Node): void => {
    if ((ts.isPropertyDeclaration(node) || ts.isVariableDeclaration(node)) && ts.isIdentifier(node.name) && node.name.text === name
      && node.initializer && node.initializer.getText(source).includes('createStatusBarItem(')) made = true;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return made;
}

/** A tooltip built as `const tooltip = new MarkdownString(…)`: what goes in through appendMarkdown must be ours. */
function checkMarkdownTooltip(tooltip: ts.Identifier, ours: Ours, check: (node: ts.Expression, surface: string) => void): void {
  const made = ours.constant(tooltip);
  if (!made || !ts.isNewExpression(made) || !/MarkdownString$/.test(made.expression.getText())) {
    check(tooltip, 'status bar tooltip');
    return;
  }
  for (const argument of made.arguments?.slice(0, 1) ?? []) check(argument, 'status bar tooltip');
  const scope = enclosingFunction(tooltip);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression)
      && node.expression.expression.text === tooltip.text && node.expression.name.text === 'appendMarkdown' && node.arguments[0]) {
      check(node.arguments[0], 'status bar tooltip appendMarkdown');
    }
    ts.forEachChild(node, visit);
  };
  if (scope) visit(scope);
}

function enclosingFunction(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (ts.isFunctionLike(current)) return current;
  return undefined;
}

/** Parentheses, `as`, `satisfies`, `!` and `await` of a constant change nothing about whose text it is. */
function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current)
      || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current)) current = current.expression;
    else return current;
  }
}

/** Decides whether an expression of one file can only hold our own text. */
class Ours {
  private readonly deciding = new Set<ts.Node>();

  constructor(private readonly files: Parsed) {}

  text(expression: ts.Expression): boolean {
    const node = unwrap(expression);
    if (this.deciding.has(node)) return false;
    this.deciding.add(node);
    try {
      return this.decide(node);
    } finally {
      this.deciding.delete(node);
    }
  }

  private decide(node: ts.Expression): boolean {
    switch (node.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.NumericLiteral:
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
      case ts.SyntaxKind.NullKeyword:
      case ts.SyntaxKind.TypeOfExpression:
        return true;
    }
    if (ts.isTemplateExpression(node)) return node.templateSpans.every((span) => this.text(span.expression));
    if (ts.isConditionalExpression(node)) return this.text(node.whenTrue) && this.text(node.whenFalse);
    if (ts.isPrefixUnaryExpression(node)) return node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.PlusToken || this.text(node.operand);
    if (ts.isBinaryExpression(node)) return this.binary(node);
    if (ts.isIdentifier(node)) return node.text === 'undefined' || this.identifier(node);
    if (ts.isPropertyAccessExpression(node)) return node.name.text === 'length' || this.member(node.expression, node.name.text);
    if (ts.isElementAccessExpression(node)) return this.member(node.expression, undefined);
    if (ts.isCallExpression(node)) return this.call(node);
    return false;
  }

  private binary(node: ts.BinaryExpression): boolean {
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.MinusToken:
      case ts.SyntaxKind.AsteriskToken:
      case ts.SyntaxKind.SlashToken:
      case ts.SyntaxKind.PercentToken:
      case ts.SyntaxKind.AsteriskAsteriskToken:
        return true;
      case ts.SyntaxKind.PlusToken:
      case ts.SyntaxKind.QuestionQuestionToken:
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.AmpersandAmpersandToken:
        return this.text(node.left) && this.text(node.right);
      default:
        return false;
    }
  }

  private call(node: ts.CallExpression): boolean {
    const callee = node.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (name === NEUTRALISER) return true;
    if (callee.getText() === 'vscode.l10n.t' || callee.getText() === 'l10n.t') {
      const [message, ...placeholders] = node.arguments;
      return message !== undefined && ts.isStringLiteralLike(message) && placeholders.every((value) => this.text(value));
    }
    if (ts.isIdentifier(callee) && NUMBER_FORMATTERS.has(callee.text)) return node.arguments.every((value) => this.text(value));
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math') return true;
    if (name === 'now' && callee.getText() === 'Date.now') return true;
    const callback = node.arguments[0];
    if (name === 'map' && callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
      return returnedExpressions(callback).every((returned) => this.text(returned));
    }
    return false;
  }

  /**
   * A variable typed with numbers or literals, a constant's initializer, a parameter
   * typed so, or the element parameter of `.map`/`.filter`… over a constant array of ours.
   */
  private identifier(node: ts.Identifier): boolean {
    const declaration = this.declaration(node);
    if (declaration) {
      if (declaration.type && ownType(declaration.type)) return true;
      return isConst(declaration) && declaration.initializer !== undefined && this.text(declaration.initializer);
    }
    const parameter = this.parameter(node);
    if (!parameter) return false;
    if (parameter.type) return ownType(parameter.type);
    const fn = parameter.parent;
    const call = fn.parent;
    return fn.parameters[0] === parameter && ts.isCallExpression(call) && call.arguments[0] === fn
      && ts.isPropertyAccessExpression(call.expression) && ELEMENT_CALLBACKS.has(call.expression.name.text)
      && this.member(call.expression.expression, undefined);
  }

  /** `CONSTANT.key` or `CONSTANT[key]` of a constant object or array literal whose every value is ours. */
  private member(object: ts.Expression, key: string | undefined): boolean {
    const target = unwrap(object);
    if (!ts.isIdentifier(target)) return false;
    const initializer = this.constant(target);
    const literal = initializer && unwrap(initializer);
    if (!literal) return false;
    if (ts.isArrayLiteralExpression(literal)) return literal.elements.every((element) => !ts.isSpreadElement(element) && this.text(element));
    if (!ts.isObjectLiteralExpression(literal)) return false;
    const values = properties(literal).filter(([name]) => key === undefined || name === key);
    return values.length > 0 && values.every(([, value]) => this.text(value)) && literal.properties.every((p) => !ts.isSpreadAssignment(p));
  }

  /** The initializer of the `const` an identifier names (in scope, or imported from our sources). */
  constant(node: ts.Identifier): ts.Expression | undefined {
    const declaration = this.declaration(node);
    return declaration && isConst(declaration) ? declaration.initializer : undefined;
  }

  private declaration(node: ts.Identifier): ts.VariableDeclaration | undefined {
    for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
      const found = declarationIn(scope, node.text);
      if (found === 'shadowed') return undefined;
      if (found) return found;
    }
    return this.imported(node);
  }

  private parameter(node: ts.Identifier): ts.ParameterDeclaration | undefined {
    for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
      if (ts.isFunctionLike(scope)) {
        const parameter = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === node.text);
        if (parameter) return parameter;
      }
    }
    return undefined;
  }

  private imported(node: ts.Identifier): ts.VariableDeclaration | undefined {
    const source = node.getSourceFile();
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      const element = bindings.elements.find((binding) => binding.name.text === node.text);
      if (!element) continue;
      const specifier = statement.moduleSpecifier.text;
      if (!specifier.startsWith('.')) return undefined;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(source.fileName), `${specifier}.ts`));
      const other = this.files.get(target);
      if (!other) return undefined;
      const found = declarationIn(other, (element.propertyName ?? element.name).text);
      return found === 'shadowed' ? undefined : found;
    }
    return undefined;
  }
}

/**
 * In one scope: the declaration of `name` as a variable; 'shadowed' when the name is
 * bound there otherwise (a parameter, a loop variable, a destructuring), so an outer one does not count.
 */
function declarationIn(scope: ts.Node, name: string): ts.VariableDeclaration | 'shadowed' | undefined {
  if (ts.isFunctionLike(scope) && scope.parameters.some((p) => bindsName(p.name, name))) return 'shadowed';
  if ((ts.isForOfStatement(scope) || ts.isForInStatement(scope) || ts.isForStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)
    && scope.initializer.declarations.some((declaration) => bindsName(declaration.name, name))) return 'shadowed';
  if (ts.isCatchClause(scope) && scope.variableDeclaration && bindsName(scope.variableDeclaration.name, name)) return 'shadowed';
  const statements = ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) ? scope.statements : undefined;
  for (const statement of statements ?? []) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name) return declaration;
      if (bindsName(declaration.name, name)) return 'shadowed';
    }
  }
  return undefined;
}

function isConst(declaration: ts.VariableDeclaration): boolean {
  return ts.isVariableDeclarationList(declaration.parent) && (declaration.parent.flags & ts.NodeFlags.Const) !== 0;
}

function bindsName(pattern: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(pattern)) return pattern.text === name;
  return pattern.elements.some((element) => !ts.isOmittedExpression(element) && bindsName(element.name, name));
}

/** A parameter typed `number`, `boolean`, or a union of literals holds nothing foreign. */
function ownType(type: ts.TypeNode): boolean {
  if (type.kind === ts.SyntaxKind.NumberKeyword || type.kind === ts.SyntaxKind.BooleanKeyword) return true;
  if (ts.isLiteralTypeNode(type)) return true;
  if (ts.isUnionTypeNode(type)) return type.types.every(ownType);
  return false;
}
