import type { MessageKey, MessageParams } from './i18n/index.ts';

/** Every expected failure has a code; the code alone decides the HTTP status. */
export const errorStatus = {
  MALFORMED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  NOT_FOUND: 404,
  INSUFFICIENT_STOCK: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  CONFLICT: 409,
  TOO_LARGE: 413,
  VALIDATION: 422,
  WRONG_TEMPERATURE_CLASS: 422,
  INVALID_MOVE: 422,
  RATE_LIMITED: 429,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type FieldError = { path: string; key: MessageKey; params?: MessageParams };

export type AppErrorOptions = {
  /** What the user reads, as a catalog key (translated when rendered). */
  key: MessageKey;
  params?: MessageParams;
  fieldErrors?: FieldError[];
  cause?: unknown;
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: (typeof errorStatus)[ErrorCode];
  readonly key: MessageKey;
  readonly params: MessageParams;
  readonly fieldErrors: FieldError[];

  constructor(code: ErrorCode, options: AppErrorOptions) {
    super(`${code}: ${options.key}`, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorStatus[code];
    this.key = options.key;
    this.params = options.params ?? {};
    this.fieldErrors = options.fieldErrors ?? [];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
