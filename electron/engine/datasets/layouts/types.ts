import type { DatasetLayout } from '../../../common/contract.js';

export type LayoutName = Exclude<DatasetLayout, 'auto'>;

/** What a corpus layout knows about one file: labels (key -> values) and a transcript. */
export interface ClipMetadata {
  labels: Record<string, string[]>;
  transcript: string | null;
}

/** Reads a corpus's metadata files once, then describes each of its audio files. */
export interface LayoutReader {
  /** `relativePath` is relative to the imported folder, with the platform's separators. */
  describe(relativePath: string): Promise<ClipMetadata>;
  /**
   * Files the layout's metadata names outside the imported folder (`../x.wav`, an absolute
   * path): never read, only reported in the import report with the reason.
   */
  readonly refused?: readonly { path: string; reason: string }[];
}

export interface LayoutImporter {
  readonly name: LayoutName;
  /** Whether `root` looks like this corpus (marker files); cheap, no full scan. */
  detect(root: string): Promise<boolean>;
  open(root: string): Promise<LayoutReader>;
}

export function addLabel(labels: Record<string, string[]>, key: string, value: string | undefined): void {
  const v = value?.trim();
  if (!v) return;
  const values = (labels[key] ??= []);
  if (!values.includes(v)) values.push(v);
}
