import type { AppSettings } from './config.ts';
import type { Db } from './db/client.ts';
import type { CurrentUser } from './auth/policy.ts';
import type { Session } from './auth/session.ts';
import type { Translator } from './i18n/index.ts';

export type AppVariables = {
  db: Db;
  settings: AppSettings;
  user: CurrentUser | null;
  session: Session | null;
  /** A sensor's device token (Authorization: Bearer): it may only send temperature readings. */
  device: { tokenId: string; warehouseId: number } | null;
  /** The request authenticated with a bearer token (no cookie: CSRF does not apply). */
  bearer: boolean;
  /** The token that every form and htmx request of this visitor must send back. */
  csrfToken: string;
  t: Translator;
  requestId: string;
};

export type AppEnv = { Variables: AppVariables };

/** What every view needs from the request. */
export type ViewContext = {
  t: Translator;
  user: CurrentUser | null;
  csrfToken: string;
  path: string;
  /** Path and query string: where the language switcher comes back to. */
  url: string;
};
