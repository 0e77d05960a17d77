/** Schema pieces the evaluation kinds share. */
import { z } from 'zod';

export const rowId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const seed = z.number().int().min(0).max(2 ** 31 - 1).default(0);
export const saeIdList = z.array(rowId).min(1).max(512);
export const labelKeyName = z.string().min(1).max(100);
export const filePath = z
  .string()
  .min(1, 'Give a file path.')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'Path contains a NUL character.');
/** A value from the paper, shown beside ours. */
export interface PaperReference {
  text: string;
  /** Where in the paper (section, table or figure). */
  source: string;
}
