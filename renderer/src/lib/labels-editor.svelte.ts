/**
 * The open feature's label form: a draft of its fields, autosaved (labels.set with only the edited
 * fields, PatchAutosaver), its history and undo. Saves of other windows (labels.changed) update
 * the fields this window is not editing; a field with an unacknowledged local edit keeps it.
 */
import type { FeatureLabel } from '../../../electron/common/contract.js';
import { onEngineEvent } from './api.js';
import { describeError, type ErrorDescription } from './errors.js';
import { featuresApi, type LabelPatch } from './features-api.js';
import { nextConfidence } from './features-view.js';
import { PatchAutosaver, type SaveState } from './labels-autosave.js';
import { draftOf, EMPTY_DRAFT, mergeSaved, patchFor, type DraftField, type LabelDraft } from './labels-draft.js';

export type { LabelDraft } from './labels-draft.js';

export const AUTOSAVE_DELAY_MS = 300;

class LabelEditor {
  #target = $state.raw<{ saeId: number; feature: number } | null>(null);
  #draft = $state<LabelDraft>({ ...EMPTY_DRAFT });
  #saved = $state.raw<FeatureLabel | null>(null);
  #state = $state<SaveState>('idle');
  #error = $state<ErrorDescription | null>(null);
  #history = $state.raw<FeatureLabel[]>([]);
  #saver: PatchAutosaver<LabelPatch> | null = null;
  #historyTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'labels.changed') this.#merge(event.label);
    });
    // Never lose an edit: leaving or hiding the page sends what is pending.
    window.addEventListener('pagehide', () => void this.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void this.flush();
    });
  }

  get draft(): LabelDraft {
    return this.#draft;
  }
  get saved(): FeatureLabel | null {
    return this.#saved;
  }
  get state(): SaveState {
    return this.#state;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }
  get history(): FeatureLabel[] {
    return this.#history;
  }
  get target(): { saeId: number; feature: number } | null {
    return this.#target;
  }

  /** Starts editing a feature's label; the previous feature's pending edits are sent first. */
  open(saeId: number, feature: number, label: FeatureLabel | null): void {
    const same = this.#target?.saeId === saeId && this.#target.feature === feature;
    if (same) {
      if (label) this.#merge(label);
      return;
    }
    const previous = this.#saver;
    if (previous) void previous.flush().finally(() => previous.dispose());
    this.#target = { saeId, feature };
    this.#saved = label;
    this.#draft = draftOf(label);
    this.#state = 'idle';
    this.#error = null;
    this.#history = [];
    this.#saver = new PatchAutosaver<LabelPatch>({
      delayMs: AUTOSAVE_DELAY_MS,
      save: async (patch) => {
        const saved = await featuresApi.setLabel(saeId, feature, patch);
        this.#merge(saved);
      },
      onState: (state, error) => {
        if (this.#target?.saeId !== saeId || this.#target.feature !== feature) return;
        this.#state = state;
        this.#error = state === 'error' && error ? describeError(error) : null;
        if (state === 'saved') this.#historySoon();
      },
    });
    void this.#loadHistory();
  }

  /** A field changed in the form: autosaved after a short pause. */
  set<F extends DraftField>(field: F, value: LabelDraft[F]): void {
    if (!this.#saver) return;
    this.#draft[field] = value;
    this.#saver.edit(patchFor(this.#draft, field));
  }

  /** Sends pending edits now (blur, Enter, navigation). */
  flush(): Promise<void> {
    return this.#saver?.flush() ?? Promise.resolve();
  }

  /** Sets the label text and saves at once (accepting the suggested label). */
  async accept(text: string): Promise<void> {
    this.set('label', text);
    await this.flush();
  }

  cycleConfidence(): void {
    this.set('confidence', nextConfidence(this.#draft.confidence));
  }

  async markUnclear(): Promise<void> {
    this.set('unclear', true);
    await this.flush();
  }

  async undo(): Promise<void> {
    const target = this.#target;
    if (!target) return;
    await this.flush();
    try {
      const label = await featuresApi.undo(target.saeId, target.feature);
      this.#merge(label, true);
      void this.#loadHistory();
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  /** A saved version arrived (ours or another window's): take the fields not being edited here. */
  #merge(label: FeatureLabel, force = false): void {
    const target = this.#target;
    if (!target || label.saeId !== target.saeId || label.feature !== target.feature) return;
    if (this.#saved && label.revision < this.#saved.revision && !force) return;
    this.#saved = label;
    const changes = mergeSaved(this.#draft, label, (field) => !force && (this.#saver?.isDirty(field) ?? false));
    Object.assign(this.#draft, changes);
    this.#historySoon();
  }

  #historySoon(): void {
    if (this.#historyTimer) clearTimeout(this.#historyTimer);
    this.#historyTimer = setTimeout(() => {
      this.#historyTimer = null;
      void this.#loadHistory();
    }, 400);
  }

  async #loadHistory(): Promise<void> {
    const target = this.#target;
    if (!target) return;
    try {
      const rows = await featuresApi.history(target.saeId, target.feature);
      if (this.#target === target) this.#history = rows;
    } catch {
      // History is a convenience; the form still works.
    }
  }
}

export const labelEditor = new LabelEditor();
