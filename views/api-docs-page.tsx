import type { ViewContext } from '../src/context.ts';
import { Layout } from './layout.tsx';

type Op = { method: string; path: string; summary: string; tag: string; fields: string[]; required: string[] };

const TAGS = ['meta', 'stock', 'inbound', 'outbound', 'cold', 'transfers'] as const;

/** Text with `code` spans, as the catalog writes them. */
function Rich(props: { text: string }) {
  return <>{props.text.split(/(`[^`]+`)/).map((part) => (part.startsWith('`') && part.endsWith('`') ? <code>{part.slice(1, -1)}</code> : part))}</>;
}

/**
 * The JSON API at a glance, from its OpenAPI document: how to call it (token, idempotency,
 * errors, paging), then each operation with its body's fields (required in bold). Each
 * operation is a block that wraps at a handheld's width.
 */
export function ApiDocsPage(v: { ctx: ViewContext; ops: Op[] }) {
  const { t } = v.ctx;
  const tags = [...new Set(v.ops.map((o) => o.tag))];
  return (
    <Layout ctx={v.ctx} title={t('apiDocs.title')}>
      <h1>{t('apiDocs.title')}</h1>
      <p>
        {t('apiDocs.intro')} <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>
      </p>
      <ul class="api-rules">
        <li><Rich text={t('apiDocs.auth')} /></li>
        <li><Rich text={t('apiDocs.idempotency')} /></li>
        <li><Rich text={t('apiDocs.errors')} /></li>
        <li><Rich text={t('apiDocs.paging')} /></li>
      </ul>
      {tags.map((tag) => (
        <section class="api-tag">
          <h2>{(TAGS as readonly string[]).includes(tag) ? t(`apiDocs.tag.${tag as (typeof TAGS)[number]}`) : tag}</h2>
          <ul class="api-ops">
            {v.ops
              .filter((o) => o.tag === tag)
              .map((o) => (
                <li id={`${o.method}-${o.path}`} class="api-op">
                  <div class="api-op-head">
                    <span class={`api-method api-${o.method.toLowerCase()}`}>{o.method}</span> <code class="api-path">{o.path}</code>
                  </div>
                  <div>{o.summary}</div>
                  {o.fields.length > 0 && (
                    <small class="muted api-fields">
                      {o.fields.map((f, i) => (
                        <>
                          {i > 0 && ', '}
                          {o.required.includes(f) ? <strong>{f}</strong> : f}
                        </>
                      ))}
                    </small>
                  )}
                </li>
              ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}
