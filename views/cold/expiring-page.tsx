import type { ViewContext } from '../../src/context.ts';
import type { ExpiringRow } from '../../src/cold/queries.ts';
import type { ApiToken } from '../../src/auth/api-tokens.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, type FieldErrors } from '../components/forms.tsx';
import { Expiry } from '../components/stock-table.tsx';
import { TokenTable } from '../components/token-table.tsx';

export type ExpiringView = { ctx: ViewContext; warehouse: { code: string; name: string; timezone: string }; days: number; rows: ExpiringRow[]; canDecide: boolean; done?: number | undefined; error?: string | undefined };

/**
 * Stock whose lot expires within the threshold, soonest first. Expired lots are already kept
 * out of allocation; a manager moves them (or short-dated ones) to quarantine from here.
 */
export function ExpiringPage(v: ExpiringView) {
  const { t } = v.ctx;
  const wh = encodeURIComponent(v.warehouse.code);
  return (
    <Layout ctx={v.ctx} title={t('cold.expiring')}>
      <p class="crumbs">
        <a href={`/cold?warehouse=${wh}`}>{t('cold.title')}</a> › {v.warehouse.code}
      </p>
      <h1>
        {t('cold.expiring')} <small class="muted">{v.warehouse.code}</small>
      </h1>
      <form method="get" action="/cold/expiring" class="filters search-line">
        <input type="hidden" name="warehouse" value={v.warehouse.code} />
        <label for="f-days" class="muted">
          {t('cold.withinDays')}
        </label>
        <input id="f-days" name="days" value={String(v.days)} inputmode="numeric" style="max-width:6rem" />
        <button type="submit">{t('cold.show')}</button>
      </form>
      {v.done !== undefined && <Alert kind="ok">{t('cold.quarantined', { n: v.done })}</Alert>}
      {v.error && <Alert kind="error">{v.error}</Alert>}
      {v.rows.length === 0 ? (
        <p class="empty">{t('cold.nothingExpiring', { days: v.days })}</p>
      ) : (
        <form method="post" action="/cold/expiring/quarantine">
          <CsrfField token={v.ctx.csrfToken} />
          <input type="hidden" name="warehouse" value={v.warehouse.code} />
          <input type="hidden" name="days" value={String(v.days)} />
          <div class="table-scroll">
            <table class="grid">
              <thead>
                <tr>
                  {v.canDecide && <th></th>}
                  <th>{t('col.expiry')}</th>
                  <th>{t('col.sku')}</th>
                  <th>{t('col.seller')}</th>
                  <th>{t('col.lot')}</th>
                  <th>{t('col.location')}</th>
                  <th class="num">{t('col.onHand')}</th>
                  <th class="num">{t('col.reserved')}</th>
                </tr>
              </thead>
              <tbody>
                {v.rows.map((r) => (
                  <tr class={r.expired ? 'row-out' : undefined}>
                    {v.canDecide && (
                      <td>
                        <input type="checkbox" name="balance" value={String(r.balanceId)} checked={r.expired} aria-label={`${r.sku} ${r.location}`} style="width:1.4rem;min-height:1.4rem" />
                      </td>
                    )}
                    <td>
                      <Expiry t={t} expiresOn={r.expiresOn} />
                    </td>
                    <td>
                      <span class="code">{r.sku}</span> <small class="muted">{r.name}</small>
                    </td>
                    <td class="code">{r.seller}</td>
                    <td class="code">{r.lot ?? '—'}</td>
                    <td class="code">{r.location}</td>
                    <td class="num">{t.number(r.onHand)}</td>
                    <td class="num">{t.number(r.reserved)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {v.canDecide && (
            <div class="form-actions">
              <button type="submit" class="danger">
                {t('cold.moveToQuarantine')}
              </button>
            </div>
          )}
        </form>
      )}
    </Layout>
  );
}

export type DevicesView = { ctx: ViewContext; warehouse: { code: string; timezone: string }; tokens: ApiToken[]; created?: { name: string; token: string } | undefined; errors: FieldErrors; name: string };

/** Sensor tokens of a warehouse: made here (the token shown once), listed with last use, revoked. */
export function DevicesPage(v: DevicesView) {
  const { t } = v.ctx;
  const tz = v.warehouse.timezone;
  return (
    <Layout ctx={v.ctx} title={t('cold.devices')}>
      <p class="crumbs">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › {v.warehouse.code}
      </p>
      <h1>{t('cold.devices')}</h1>
      <p class="muted">{t('cold.devicesHint')}</p>
      {v.created && (
        <div class="alert alert-ok" role="status">
          {t('cold.tokenCreated', { name: v.created.name })}
          <pre class="token" data-token>{v.created.token}</pre>
        </div>
      )}
      <form method="post" action="/cold/devices" class="stacked">
        <CsrfField token={v.ctx.csrfToken} />
        <input type="hidden" name="warehouse" value={v.warehouse.code} />
        <Field label={t('cold.deviceName')} name="name" error={v.errors.name}>
          <input id="f-name" name="name" value={v.name} required maxlength={80} />
        </Field>
        <div class="form-actions">
          <button type="submit">{t('cold.newDevice')}</button>
        </div>
      </form>
      <TokenTable t={t} csrfToken={v.ctx.csrfToken} tokens={v.tokens} nameLabel={t('cold.deviceName')} timeZone={tz} revokeUrl={(id) => `/cold/devices/${id}/revoke`} />
    </Layout>
  );
}
