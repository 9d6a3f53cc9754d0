import type { ViewContext } from '../../src/context.ts';
import type { UserTokenRow } from '../../src/auth/api-tokens.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';
import { TokenTable } from '../components/token-table.tsx';

export type TokensView = {
  ctx: ViewContext;
  tokens: UserTokenRow[];
  /** An admin makes tokens for any user; a seller for themselves. */
  users: { email: string; name: string }[] | null;
  mayCreate: boolean;
  created?: { name: string; token: string; email: string } | undefined;
  errors: FieldErrors;
  name: string;
};

/** API tokens: made here (shown once; only a hash is kept), listed with their last use, revoked. */
export function TokensPage(v: TokensView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('tokens.title')}>
      <h1>{t('tokens.title')}</h1>
      <p class="muted">{t('tokens.hint')}</p>
      {v.created && (
        <div class="alert alert-ok" role="status">
          {t('tokens.created', { name: v.created.name, email: v.created.email })}
          <pre class="token" data-token>{v.created.token}</pre>
        </div>
      )}
      {v.mayCreate && (
        <form method="post" action="/tokens" class="stacked">
          <CsrfField token={v.ctx.csrfToken} />
          {v.errors.form && <Alert kind="error">{v.errors.form}</Alert>}
          <Field label={t('tokens.name')} name="name" error={v.errors.name}>
            <input id="f-name" name="name" value={v.name} required maxlength={80} />
          </Field>
          {v.users && (
            <Field label={t('tokens.forUser')} name="user" error={v.errors.user}>
              <Select name="user" value={undefined} options={v.users.map((u) => ({ value: u.email, label: `${u.name} · ${u.email}` }))} />
            </Field>
          )}
          <div class="form-actions">
            <button type="submit">{t('tokens.create')}</button>
          </div>
        </form>
      )}
      <TokenTable t={t} csrfToken={v.ctx.csrfToken} tokens={v.tokens} nameLabel={t('tokens.name')} showOwner timeZone="UTC" revokeUrl={(id) => `/tokens/${id}/revoke`} />
    </Layout>
  );
}
