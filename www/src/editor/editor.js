// The scenario editor: CodeMirror 6 with kplay highlighting, completion, located errors
// (lint underlines and gutter markers with message and hint, from the engine's
// diagnostics) and green/red marks on `expect` lines after a run. The editor holds the
// scenario text, the only state; callers listen with onChange and write with
// replaceAll/applyEdits (so undo history and the cursor survive control changes).
import { autocompletion, closeBrackets, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { diagnosticCount, lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { kplayCompletions } from './complete.js';
import { kplay } from './language.js';

/** @type {import('@codemirror/state').StateEffectType<import('@codemirror/view').DecorationSet>} */
const setExpectMarks = StateEffect.define();
const expectMarks = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const e of tr.effects) if (e.is(setExpectMarks)) marks = e.value;
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Whether a decoration set holds exactly these line marks (same places, same classes). */
function sameMarks(set, ranges) {
  const cursor = set.iter();
  for (const r of ranges) {
    if (cursor.value == null || cursor.from !== r.from || cursor.value.spec.class !== r.value.spec.class) return false;
    cursor.next();
  }
  return cursor.value == null;
}

const theme = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--editor-bg)', color: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', fontSize: '13px', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--editor-active)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--editor-selection) !important' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-fg)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--bad)' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--bad)', textUnderlineOffset: '3px' },
  '.kplay-hint': { color: 'var(--muted)', marginTop: '2px' },
  '.cm-expect-held': { boxShadow: 'inset 3px 0 0 var(--good)' },
  '.cm-expect-failed': { boxShadow: 'inset 3px 0 0 var(--bad)', backgroundColor: 'var(--bad-soft)' },
  // An edited preset's own expect line that the edit moved (the lesson, not a failure).
  '.cm-expect-lesson': { boxShadow: 'inset 3px 0 0 var(--muted)', backgroundColor: 'var(--info-soft)' },
});

/**
 * @param {HTMLElement} parent
 * @param {{doc: string, readOnly?: boolean, label?: string, onChange?: (text: string) => void}} opts
 */
export function createEditor(parent, { doc, readOnly = false, label = 'Scenario', onChange }) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        history(),
        closeBrackets(),
        kplay(),
        autocompletion({ override: [kplayCompletions], icons: false }),
        lintGutter(),
        EditorView.lineWrapping,
        expectMarks,
        keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap, ...lintKeymap]),
        EditorState.readOnly.of(readOnly),
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'scenario', spellcheck: 'false' }),
        theme,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange?.(u.state.doc.toString());
        }),
      ],
    }),
  });

  /** Offset of a 1-based (line, column-in-characters) position, clamped to the document. */
  function offsetOf(line, column) {
    const doc = view.state.doc;
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    const chars = Array.from(l.text);
    const col = Math.min(Math.max(column - 1, 0), chars.length);
    return l.from + chars.slice(0, col).join('').length;
  }

  return {
    view,
    getText: () => view.state.doc.toString(),
    /** Replaces the whole text (loading a preset or a link). */
    replaceAll(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    /** Applies {from, to, insert} edits from the text model as one undoable step. */
    applyEdits(edits) {
      const changes = edits.filter(Boolean);
      if (changes.length) view.dispatch({ changes, userEvent: 'input.control' });
    },
    /** Underlines the engine's diagnostics ([] clears them). */
    showDiagnostics(diagnostics) {
      // Nothing to clear: no transaction (each one re-reads the DOM selection, a forced
      // layout when a run has just redrawn the page).
      if (!diagnostics.length && !diagnosticCount(view.state)) return;
      const cm = diagnostics.map((d) => {
        let from = offsetOf(d.line, d.column);
        let to = offsetOf(d.line, Math.max(d.end_column, d.column));
        const line = view.state.doc.lineAt(from);
        // A missing word at the end of a line: underline the character before it.
        if (to <= from) [from, to] = from < line.to ? [from, from + 1] : [Math.max(line.from, from - 1), from];
        return {
          from,
          to,
          severity: 'error',
          message: d.message + (d.hint ? `\nhint: ${d.hint}` : ''),
          renderMessage() {
            const box = document.createElement('div');
            const msg = document.createElement('div');
            msg.textContent = d.message;
            box.append(msg);
            if (d.hint) {
              const hint = document.createElement('div');
              hint.className = 'kplay-hint';
              hint.textContent = `hint: ${d.hint}`;
              box.append(hint);
            }
            return box;
          },
        };
      });
      view.dispatch(setDiagnostics(view.state, cm));
    },
    /** Marks expect lines green (held), red (failed) or blue-grey (an edited preset's own
     * line its edit moved: `lesson`); [] clears. */
    showExpectations(expectations) {
      const doc = view.state.doc;
      const ranges = expectations
        .filter((e) => e.line >= 1 && e.line <= doc.lines)
        .sort((a, b) => a.line - b.line)
        .map((e) => Decoration.line({ class: e.held ? 'cm-expect-held' : e.lesson ? 'cm-expect-lesson' : 'cm-expect-failed' }).range(doc.line(e.line).from));
      if (sameMarks(view.state.field(expectMarks), ranges)) return; // a re-run that changed no mark
      view.dispatch({ effects: setExpectMarks.of(Decoration.set(ranges, true)) });
    },
    /** Moves the cursor to a 1-based line and column and focuses the editor. */
    goTo(line, column = 1) {
      const pos = offsetOf(line, column);
      view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}
