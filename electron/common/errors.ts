/**
 * Errors cross the wire as plain data ({ name, message, code }), never as Error instances.
 * `code` lets the UI react without parsing messages.
 */
export const ERROR_CODES = [
  'invalid_params',
  'unknown_method',
  'not_found',
  'bad_input',
  'conflict',
  'cancelled',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface RpcErrorShape {
  name: string;
  code: ErrorCode;
  message: string;
  /** Field-level problems for invalid_params; extra context for bad_input. */
  details?: unknown;
}

/** An error whose message is meant for the user (it says what went wrong and what to do). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toShape(): RpcErrorShape {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export class CancelledError extends AppError {
  constructor(message = 'Cancelled') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

export function toErrorShape(error: unknown): RpcErrorShape {
  if (error instanceof AppError) return error.toShape();
  if (error instanceof Error && error.name === 'AbortError') {
    return { name: 'CancelledError', code: 'cancelled', message: 'Cancelled' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name: error instanceof Error ? error.name : 'Error', code: 'internal', message };
}

/** The client-side error: rebuilt from the shape that crossed the wire. */
export class RpcError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(shape: RpcErrorShape) {
    super(shape.message);
    this.name = shape.name;
    this.code = shape.code;
    this.details = shape.details;
  }
}
