/**
 * Turns anything thrown by an RPC call into text for the error banner.
 * The engine's messages are written for users; invalid_params carries field-level details.
 */
import type { ErrorCode } from '../../../electron/common/errors.js';

export interface ErrorDescription {
  message: string;
  /** One line per field problem ("folder: Give a folder path."). */
  details: string[];
  code: ErrorCode | null;
}

export function describeError(error: unknown): ErrorDescription {
  const code = errorCode(error);
  if (error instanceof Error) {
    return withDetails(error.message || error.name, (error as { details?: unknown }).details, code);
  }
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    const shape = error as { message: string; details?: unknown };
    return withDetails(shape.message, shape.details, code);
  }
  return { message: String(error), details: [], code };
}

/** Detail lines the message already says are left out. */
function withDetails(message: string, details: unknown, code: ErrorCode | null): ErrorDescription {
  return { message, details: detailLines(details).filter((line) => !message.includes(line)), code };
}

export function errorCode(error: unknown): ErrorCode | null {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code as ErrorCode;
  }
  return null;
}

/** A call the user (or a newer call) cancelled: not worth an error banner. */
export function isCancelled(error: unknown): boolean {
  return errorCode(error) === 'cancelled';
}

/**
 * Accepts the usual shapes of validation details: a list of issues ({ path, message }),
 * zod's flatten() ({ formErrors, fieldErrors }), or a map of field -> message(s).
 */
function detailLines(details: unknown): string[] {
  if (details == null || typeof details !== 'object') return [];
  if (Array.isArray(details)) {
    return details.flatMap((issue) => {
      if (typeof issue === 'string') return [issue];
      if (!issue || typeof issue !== 'object') return [];
      const { path, message } = issue as { path?: unknown; message?: unknown };
      if (typeof message !== 'string') return [];
      const where = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
      return [where ? `${where}: ${message}` : message];
    });
  }
  const record = details as Record<string, unknown>;
  if ('fieldErrors' in record || 'formErrors' in record) {
    const form = Array.isArray(record.formErrors) ? record.formErrors.filter((m) => typeof m === 'string') : [];
    return [...form, ...fieldLines(record.fieldErrors)];
  }
  return fieldLines(record);
}

function fieldLines(fields: unknown): string[] {
  if (!fields || typeof fields !== 'object') return [];
  return Object.entries(fields as Record<string, unknown>).flatMap(([field, value]) => {
    const messages = Array.isArray(value) ? value : [value];
    return messages.filter((m): m is string => typeof m === 'string').map((m) => `${field}: ${m}`);
  });
}
