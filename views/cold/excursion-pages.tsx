import type { ViewContext } from '../../src/context.ts';
import type { ExcursionRow, ReadingRow } from '../../src/cold/queries.ts';
import type { ExposedRow } from '../../src/cold/close-excursion.ts';
import type { Translator } from '../../src/i18n/index.ts';
import { excursionDecisionKinds } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, type FieldErrors } from '../components/forms.tsx';
import { Expiry } from '../components/stock-table.tsx';
import { ExcursionBadge } from './home-page.tsx';
import { ReadingsTable } from './map-pages.tsx';

const minutesBetween = (a: Date, b: Date | null) => Math.round(((b ?? new Date()).getTime() - a.getTime()) / 60_000);

export function Duration(props: { t: Translator; from: Date; to: Date | null }) {
  const m = minutesBetween(props.from, props.to);
  return <>{m >= 120 ? props.t('cold.hoursMinutes', { h: Math.floor(m / 60), m: m % 60 }) : props.t('cold.minutes', { n: m })}</>;
}

/** Excursions of a warehouse, newest first; open and awaiting a decision first in the filter. */
export function ExcursionsPage(v: { ctx: ViewContext; warehouse: { code: string; name: string; timezone: string }; items: ExcursionRow[]; filter: 'open' | 'closed' | 'all'; next: string | null }) {
  const { t } = v.ctx;
  const base = `/cold/excursions?warehouse=${encodeURIComponent(v.warehouse.code)}`;
  return (
    <Layout ctx={v.ctx} title={t('cold.excursions')}>
      <p class="crumbs">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › {v.warehouse.code}
      </p>
      <h1>{t('cold.excursions')}</h1>
      <nav class="tabs actions" aria-label={t('cold.excursions')}>
        {(['open', 'closed', 'all'] as const).map((f) => (
          <a class={f === v.filter ? 'button' : 'button secondary'} href={`${base}&status=${f}`} aria-current={f === v.filter ? 'page' : undefined}>
            {t(`cold.filter.${f}`)}
          </a>
        ))}
      </nav>
      {v.items.length === 0 ? (
        <p class="empty">{t('cold.noExcursions')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid">
            <thead>
              <tr>
                <th>{t('cold.where')}</th>
                <th>{t('cold.started')}</th>
                <th>{t('cold.duration')}</th>
                <th class="num">{t('cold.peak')}</th>
                <th>{t('cold.range')}</th>
                <th>{t('cold.state')}</th>
              </tr>
            </thead>
            <tbody>
              {v.items.map((e) => (
                <tr>
                  <td>
                    <a href={`/cold/excursions/${e.id}`} class="code">
                      {e.location ?? e.zone}
                    </a>{' '}
                    <small class="muted">{e.location ? e.zone : t('cold.zoneSensor')}</small>
                  </td>
                  <td class="time">{t.dateTime(e.startedAt, v.warehouse.timezone)}</td>
                  <td>
                    <Duration t={t} from={e.startedAt} to={e.endedAt} />
                  </td>
                  <td class="num strong">{t.celsius(e.peakCelsius)}</td>
                  <td class="code">{t.range(e.minCelsius, e.maxCelsius)}</td>
                  <td>
                    <ExcursionBadge t={t} status={e.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {v.next && (
        <div class="pager">
          <span></span>
          <a href={`${base}&status=${v.filter}&cursor=${encodeURIComponent(v.next)}`}>{t('pager.next')}</a>
        </div>
      )}
    </Layout>
  );
}

export type ExcursionView = {
  ctx: ViewContext;
  warehouse: { code: string; timezone: string };
  excursion: ExcursionRow & { note: string | null; closedByName: string | null; zoneId: number };
  exposed: ExposedRow[];
  readings: ReadingRow[];
  canDecide: boolean;
  values: { note: string; decisions: Record<string, string> };
  errors: FieldErrors;
  formError?: string | undefined;
  closedNow?: boolean;
};

/**
 * One excursion: when, how far, how long; the stock exposed (from the ledger); the readings
 * during it; and, once back in range, the manager's decision per lot with a note.
 */
export function ExcursionPage(v: ExcursionView) {
  const { t } = v.ctx;
  const e = v.excursion;
  const tz = v.warehouse.timezone;
  const decidable = v.canDecide && e.status === 'ended';
  const present = v.exposed.filter((r) => r.exposedThere > 0 && !r.decision);
  return (
    <Layout ctx={v.ctx} title={`${t('cold.excursion')} ${e.location ?? e.zone}`}>
      <p class="crumbs">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › <a href={`/cold/excursions?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.excursions')}</a>
      </p>
      <div class="title-row">
        <h1>
          {t('cold.excursion')} <span class="code">{e.location ?? e.zone}</span> <ExcursionBadge t={t} status={e.status} />
        </h1>
        <div class="actions">
          <a class="button secondary" href={`/cold/zones/${e.zoneId}/chart?${e.location ? `slot=${encodeURIComponent(e.location)}&` : ''}from=${encodeURIComponent(e.startedAt.toISOString())}`}>
            {t('cold.chart')}
          </a>
        </div>
      </div>
      {v.closedNow && <Alert kind="ok">{t('cold.closedNow')}</Alert>}
      <dl class="facts facts-wide">
        <div>
          <dt>{t('cold.where')}</dt>
          <dd>
            {e.zone} {e.location ? `· ${e.location}` : `· ${t('cold.zoneSensor')}`}
          </dd>
        </div>
        <div>
          <dt>{t('cold.started')}</dt>
          <dd>{t.dateTime(e.startedAt, tz)}</dd>
        </div>
        <div>
          <dt>{t('cold.ended')}</dt>
          <dd>{e.endedAt ? t.dateTime(e.endedAt, tz) : <strong class="err-text">{t('cold.stillOut')}</strong>}</dd>
        </div>
        <div>
          <dt>{t('cold.duration')}</dt>
          <dd>
            <Duration t={t} from={e.startedAt} to={e.endedAt} />
          </dd>
        </div>
        <div>
          <dt>{t('cold.peak')}</dt>
          <dd class="strong">{t.celsius(e.peakCelsius)}</dd>
        </div>
        <div>
          <dt>{t('cold.range')}</dt>
          <dd>{t.range(e.minCelsius, e.maxCelsius)}</dd>
        </div>
        {e.closedAt && (
          <div>
            <dt>{t('cold.closedBy')}</dt>
            <dd>
              {e.closedByName} · {t.dateTime(e.closedAt, tz)}
              {e.note && <p class="note">{e.note}</p>}
            </dd>
          </div>
        )}
      </dl>

      <h2>{t('cold.exposed')}</h2>
      <form method="post" action={`/cold/excursions/${e.id}/close`} class={decidable ? 'stacked' : undefined}>
        <CsrfField token={v.ctx.csrfToken} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        {v.exposed.length === 0 ? (
          <p class="empty">{t('cold.nothingExposed')}</p>
        ) : (
          <div class="table-scroll">
            <table class="grid">
              <thead>
                <tr>
                  <th>{t('col.location')}</th>
                  <th>{t('col.sku')}</th>
                  <th>{t('col.lot')}</th>
                  <th>{t('col.expiry')}</th>
                  <th class="num">{t('cold.atStart')}</th>
                  <th class="num">{t('cold.enteredDuring')}</th>
                  <th class="num">{t('cold.now')}</th>
                  <th>{t('cold.decision')}</th>
                </tr>
              </thead>
              <tbody>
                {v.exposed.map((r) => {
                  const err = v.errors[`decisions.${r.key}`];
                  return (
                    <tr data-exposed={r.key}>
                      <td class="code">{r.location}</td>
                      <td>
                        <span class="code">{r.sku}</span> <small class="muted">{r.name}</small>
                      </td>
                      <td class="code">{r.lot ?? '—'}</td>
                      <td>
                        <Expiry t={t} expiresOn={r.expiresOn} />
                      </td>
                      <td class="num">{t.number(r.atStart)}</td>
                      <td class="num">{t.number(r.entered)}</td>
                      <td class="num">{t.number(r.now)}</td>
                      <td class={err ? 'invalid' : undefined}>
                        {r.decision ? (
                          <span class={`badge decision-${r.decision}`}>
                            {t(`cold.decisionKind.${r.decision}`)} · {t.number(r.decided ?? 0)}
                          </span>
                        ) : decidable && r.exposedThere > 0 ? (
                          <div class="segmented" role="radiogroup" aria-label={`${t('cold.decision')} ${r.sku} ${r.location}`}>
                            {excursionDecisionKinds.map((d) => (
                              <label class={`seg decision-${d}`}>
                                <input type="radio" name={`decision_${r.key}`} value={d} checked={v.values.decisions[r.key] === d} required />
                                <span>{t(`cold.decisionKind.${d}`)}</span>
                              </label>
                            ))}
                          </div>
                        ) : r.exposedThere === 0 ? (
                          <small class="muted">{t('cold.gone')}</small>
                        ) : (
                          '—'
                        )}
                        {r.left > 0 && (
                          <small class="warn-text" style="display:block">
                            {t('cold.leftTo', { n: r.left, to: r.movedTo ?? '—' })}
                          </small>
                        )}
                        {err && <small class="error">{err}</small>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {decidable && (
          <>
            <div class={v.errors.note ? 'field invalid' : 'field'}>
              <label for="f-note">{t('cold.decisionNote')}</label>
              <textarea id="f-note" name="note" rows={3} maxlength={500} required>
                {v.values.note}
              </textarea>
              {v.errors.note && <small class="error">{v.errors.note}</small>}
            </div>
            <div class="form-actions">
              <button type="submit">{present.length ? t('cold.closeWithDecisions') : t('cold.close')}</button>
            </div>
          </>
        )}
        {v.canDecide && e.status === 'open' && <p class="alert alert-info">{t('cold.waitForRange')}</p>}
      </form>

      <h2>{t('cold.readingsDuring')}</h2>
      <ReadingsTable t={t} rows={v.readings} timeZone={tz} />
    </Layout>
  );
}
