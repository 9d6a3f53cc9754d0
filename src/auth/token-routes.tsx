import { Hono, type Context } from 'hono';
import { and, asc, eq } from 'drizzle-orm';
import type { AppEnv } from '../context.ts';
import { apiTokens, users } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { formOf, one } from '../http/form.ts';
import { viewContext } from '../../views/view-context.ts';
import { TokensPage, type TokensView } from '../../views/auth/tokens-page.tsx';
import { requireUser } from './middleware.ts';
import { createApiToken, revokeApiToken, userTokens } from './api-tokens.ts';

/**
 * API tokens for people (the API contract: an admin makes them for a user, a seller for their
 * own integration). Everyone sees and may revoke their own; an admin sees and revokes all.
 */
export function tokenRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/tokens', '/tokens/*']) app.use(path, requireUser());

  const page = async (c: Context<AppEnv>, extra: Partial<Pick<TokensView, 'created' | 'errors' | 'name'>> = {}, status: 200 | 422 = 200) => {
    const user = c.var.user!;
    const admin = user.role === 'admin';
    const list = admin ? await c.var.db.select({ email: users.email, name: users.name }).from(users).where(eq(users.active, true)).orderBy(asc(users.email)) : null;
    c.header('Cache-Control', 'no-store');
    return c.html(
      <TokensPage ctx={viewContext(c)} tokens={await userTokens(c.var.db, admin ? null : user.id)} users={list} mayCreate={admin || user.role === 'seller'} created={extra.created} errors={extra.errors ?? {}} name={extra.name ?? ''} />,
      status,
    );
  };

  app.get('/tokens', (c) => page(c));

  app.post('/tokens', async (c) => {
    const user = c.var.user!;
    if (user.role !== 'admin' && user.role !== 'seller') throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const form = await formOf(c);
    const name = one(form.name).trim();
    if (!name || name.length > 80) return page(c, { errors: { name: c.var.t('error.required') }, name: name.slice(0, 80) }, 422);
    let owner = { id: user.id, email: user.email };
    if (user.role === 'admin' && one(form.user).trim()) {
      const [u] = await c.var.db.select({ id: users.id, email: users.email }).from(users).where(and(eq(users.email, one(form.user).trim().toLowerCase()), eq(users.active, true)));
      if (!u) return page(c, { errors: { user: c.var.t('tokens.unknownUser') }, name }, 422);
      owner = u;
    }
    const { token } = await createApiToken(c.var.db, { kind: 'user', name, userId: owner.id, createdBy: user.id });
    return page(c, { created: { name, token, email: owner.email } });
  });

  app.post('/tokens/:id{[a-z2-9]{24}}/revoke', async (c) => {
    const user = c.var.user!;
    const [row] = await c.var.db.select().from(apiTokens).where(and(eq(apiTokens.id, c.req.param('id')), eq(apiTokens.kind, 'user')));
    if (!row || (user.role !== 'admin' && row.userId !== user.id)) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    await revokeApiToken(c.var.db, row.id);
    return c.redirect('/tokens', 303);
  });

  return app;
}
