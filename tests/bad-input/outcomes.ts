/**
 * The bad-input suite's tally: each malformed item is tried through the real engine and classed as
 * a clear refusal (a structured error with an actionable message), an unclear one, a crash (the
 * engine stopped answering) or half-written (a row or file left behind).
 */
import { RpcError } from '../../electron/common/errors.js';

export type Outcome = 'clear' | 'unclear' | 'crash' | 'half-written' | 'accepted';

export interface TriedItem {
  category: string;
  name: string;
  outcome: Outcome;
  message: string;
}

/** Error codes that tell the user what to fix (not an engine fault). */
const CLEAR_CODES = new Set(['bad_input', 'not_found', 'invalid_params', 'conflict', 'unavailable']);

export function isClearMessage(message: string): boolean {
  return message.length >= 20 && !/\bat .+\.(ts|js):\d+/.test(message) && !/undefined|\[object Object\]/.test(message);
}

export function classifyError(error: unknown): { outcome: Outcome; message: string } {
  if (error instanceof RpcError) {
    const clear = CLEAR_CODES.has(error.code) && isClearMessage(error.message);
    return { outcome: clear ? 'clear' : 'unclear', message: `${error.code}: ${error.message}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { outcome: 'unclear', message };
}

export class Tally {
  readonly items: TriedItem[] = [];

  add(category: string, name: string, outcome: Outcome, message: string): void {
    this.items.push({ category, name, outcome, message });
  }

  count(outcome: Outcome): number {
    return this.items.filter((i) => i.outcome === outcome).length;
  }

  summary(): string {
    const categories = [...new Set(this.items.map((i) => i.category))].map((c) => `${c} ${this.items.filter((i) => i.category === c).length}`);
    return `bad-input suite: ${this.items.length} bad inputs tried (${categories.join(', ')}); ${this.count('clear')} clear errors, ${this.count('unclear')} unclear, ${this.count('accepted')} accepted, ${this.count('crash')} crashes, ${this.count('half-written')} half-written`;
  }

  problems(): TriedItem[] {
    return this.items.filter((i) => i.outcome !== 'clear');
  }
}
