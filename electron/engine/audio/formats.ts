/** Audio containers the engine reads, by file extension. */
import { extname } from 'node:path';

export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg' | 'opus' | 'm4a' | 'aac';

const BY_EXTENSION: Readonly<Record<string, AudioFormat>> = {
  '.wav': 'wav',
  '.wave': 'wav',
  '.flac': 'flac',
  '.mp3': 'mp3',
  '.ogg': 'ogg',
  '.oga': 'ogg',
  '.opus': 'opus',
  '.m4a': 'm4a',
  '.mp4': 'm4a',
  '.aac': 'aac',
};

export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set(Object.keys(BY_EXTENSION));

/** The format a file's extension names, or null when it is not audio we read. */
export function formatOfPath(path: string): AudioFormat | null {
  return BY_EXTENSION[extname(path).toLowerCase()] ?? null;
}
