import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, keymap } from '@codemirror/view';
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

export interface CellEditor {
  /** The code as it is in the editor now. */
  text(): string;
  /** Replaces the whole code (Reset). */
  setText(code: string): void;
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
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'editor' }),
        keymap.of([...runKeys, ...defaultKeymap, ...historyKeymap, indentWithTab]),
      ],
    }),
  });
  return {
    text: () => view.state.doc.toString(),
    setText: (next) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    destroy: () => view.destroy(),
  };
}
