import type { ViewContext } from '../../src/context.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field } from '../components/forms.tsx';

export function LoginPage(props: { ctx: ViewContext; email?: string; next?: string; error?: string }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t('login.title')} narrow>
      <h1>{t('login.title')}</h1>
      <p class="muted">{t('login.intro')}</p>
      <form method="post" action="/login" class="stacked" id="login-form">
        <CsrfField token={props.ctx.csrfToken} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        <Field label={t('login.email')} name="email">
          <input id="f-email" type="email" name="email" value={props.email ?? ''} autocomplete="username" autofocus={!props.email} required />
        </Field>
        <Field label={t('login.password')} name="password">
          <input id="f-password" type="password" name="password" autocomplete="current-password" autofocus={Boolean(props.email)} required />
        </Field>
        <button type="submit" class="primary big">
          {t('login.submit')}
        </button>
      </form>
    </Layout>
  );
}
