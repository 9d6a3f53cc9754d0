import type { ViewContext } from '../src/context.ts';
import { Layout } from './layout.tsx';

type Op = { method: string; path: string; summary: string; tag: string; fields: string[]; required: string[] };

/** The JSON API at a glance, from its OpenAPI document: each operation, its body's fields (required in bold). */
export function ApiDocsPage(v: { ctx: ViewContext; ops: Op[] }) {
  const { t } = v.ctx;
  const tags = [...new Set(v.ops.map((o) => o.tag))];
  return (
    <Layout ctx={v.ctx} title={t('apiDocs.title')}>
      <h1>{t('apiDocs.title')}</h1>
      <p>
        {t('apiDocs.intro')} <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>
      </p>
      {tags.map((tag) => (
        <section>
          <h2>{tag}</h2>
          <div class="table-scroll">
            <table class="grid">
              <tbody>
                {v.ops
                  .filter((o) => o.tag === tag)
                  .map((o) => (
                    <tr id={`${o.method}-${o.path}`}>
                      <td class="code strong">{o.method}</td>
                      <td class="code">{o.path}</td>
                      <td>
                        {o.summary}
                        {o.fields.length > 0 && (
                          <small class="muted" style="display:block">
                            {o.fields.map((f, i) => (
                              <>
                                {i > 0 && ', '}
                                {o.required.includes(f) ? <strong>{f}</strong> : f}
                              </>
                            ))}
                          </small>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </Layout>
  );
}
