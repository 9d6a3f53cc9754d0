import type { ViewContext } from '../src/context.ts';
import { Layout } from './layout.tsx';

export function ErrorPage(props: { ctx: ViewContext; status: number; message: string }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={String(props.status)} narrow>
      <h1>{props.status === 404 ? t('error.notFoundTitle') : t('error.title')}</h1>
      <p class="alert alert-error" role="alert">
        {props.message}
      </p>
      <p>
        <a href="/inventory">{t('error.back')}</a>
      </p>
    </Layout>
  );
}

/** A message htmx shows in place of a failed fragment (no page around it). */
export function ErrorFragment(props: { message: string }) {
  return (
    <div class="alert alert-error" role="alert">
      {props.message}
    </div>
  );
}
