import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';

// Colours from CSS variables (style.css), so the editor follows the site's light and dark themes.
const highlighting = HighlightStyle.define([
  { tag: [tags.keyword, tags.modifier, tags.operatorKeyword], color: 'var(--fovea-code-keyword)' },
  { tag: [tags.string, tags.regexp], color: 'var(--fovea-code-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--fovea-code-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--fovea-code-comment)' },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--fovea-code-type)' },
  {
    tag: [tags.function(tags.variableName), tags.function(tags.propertyName)],
    color: 'var(--fovea-code-function)',
  },
]);

/** Marks the line an error points at (1-based), or clears the mark (null). */
const markError = StateEffect.define<number | null>();
const errorLine = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, transaction) {
    // Any edit clears the mark: the line it pointed at may no longer be the one at fault.
    let next = transaction.docChanged ? Decoration.none : marks;
    for (const effect of transaction.effects) {
      if (!effect.is(markError)) continue;
      const line = effect.value;
      const doc = transaction.state.doc;
      next =
        line === null || line < 1 || line > doc.lines
          ? Decoration.none
          : Decoration.set([Decoration.line({ class: 'cm-error-line' }).range(doc.line(line).from)]);
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export interface CellEditor {
  /** The code as it is in the editor now. */
  text(): string;
  /** Replaces the whole code (Reset). */
  setText(code: string): void;
  /** Marks the line an error points at, or clears the mark. */
  markErrorLine(line: number | null): void;
  destroy(): void;
}

/**
 * A CodeMirror 6 editor for a runnable cell: TypeScript colouring, undo history, Tab to indent
 * (Escape then Tab leaves the editor, as CodeMirror documents), lines wrapped instead of scrolled
 * sideways, and Ctrl/Cmd+Enter or Shift+Enter to run.
 */
export function createEditor(parent: HTMLElement, code: string, label: string, run: () => void): CellEditor {
  const runCell = () => {
    run();
    return true;
  };
  const runKeys = [
    { key: 'Mod-Enter', run: runCell },
    { key: 'Shift-Enter', run: runCell },
  ];
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        javascript({ typescript: true }),
        syntaxHighlighting(highlighting),
        errorLine,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'editor' }),
        keymap.of([...runKeys, ...defaultKeymap, ...historyKeymap, indentWithTab]),
      ],
    }),
  });
  return {
    text: () => view.state.doc.toString(),
    setText: (next) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    markErrorLine: (line) => view.dispatch({ effects: markError.of(line) }),
    destroy: () => view.destroy(),
  };
}
