import type { ViewContext } from '../../src/context.ts';
import type { ShipmentDetail } from '../../src/inbound/queries.ts';
import type { TemperatureClass } from '../../src/db/schema/index.ts';
import type { Range } from '../../src/inbound/temperature.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';
import { ClassBadge } from '../components/stock-table.tsx';

export type ArrivalValues = {
  arrived_at: string;
  dock: string;
  note: string;
  seals: { seal: string; state: string; note: string }[];
  temperatures: Partial<Record<TemperatureClass, string>>;
};

export type ArrivalView = {
  ctx: ViewContext;
  shipment: ShipmentDetail;
  docks: { code: string }[];
  coldClasses: { cls: TemperatureClass; range: Range | null }[];
  values: ArrivalValues;
  errors: FieldErrors;
  formError?: string | undefined;
};

/** The dock check of a truck (tablet): time, dock, each seal, the temperature of cold goods. */
export function ArrivalPage(v: ArrivalView) {
  const { t } = v.ctx;
  const s = v.shipment;
  const e = v.errors;
  return (
    <Layout ctx={v.ctx} title={t('inbound.arrivalTitle', { reference: s.reference })}>
      <p class="crumbs">
        <a href="/inbound">{t('inbound.title')}</a> / <a href={`/inbound/${s.id}`}>{s.reference}</a> / {t('inbound.recordArrival')}
      </p>
      <h1>{t('inbound.arrivalTitle', { reference: s.reference })}</h1>
      <p class="muted">
        {s.sellerCode} · {t(`inbound.mode.${s.transportMode}`)}
        {s.vehiclePlate && ` · ${s.vehiclePlate}`}
        {s.trailerPlate && ` / ${s.trailerPlate}`}
        {s.tirCarnet && ` · TIR ${s.tirCarnet}`}
      </p>
      <form class="stacked arrival-form" method="post" action={`/inbound/${s.id}/arrival`}>
        <CsrfField token={v.ctx.csrfToken} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <div class="form-grid">
          <Field label={t('inbound.arrivedAt')} name="arrived_at" error={e.arrived_at} hint={t('inbound.arrivedAtHint', { zone: s.warehouseCode })}>
            <input type="datetime-local" id="f-arrived_at" name="arrived_at" value={v.values.arrived_at} aria-invalid={e.arrived_at ? 'true' : undefined} />
          </Field>
          <Field label={t('inbound.dock')} name="dock" error={e.dock}>
            <Select name="dock" value={v.values.dock} options={v.docks.map((d) => ({ value: d.code, label: d.code }))} />
          </Field>
        </div>
        <fieldset>
          <legend>{t('inbound.seals')}</legend>
          {v.values.seals.length === 0 && <p class="muted">{t('inbound.noSeals')}</p>}
          {v.values.seals.map((seal, i) => {
            const err = e[`seals.${i}.state`];
            return (
              <div class={err ? 'seal-row invalid' : 'seal-row'}>
                <input type="hidden" name="seal" value={seal.seal} />
                <code class="seal-no">{seal.seal}</code>
                <div class="segmented" role="radiogroup" aria-label={t('inbound.sealState', { seal: seal.seal })}>
                  {(['intact', 'broken', 'missing'] as const).map((state) => (
                    <label class={`seg seal-${state}`}>
                      <input type="radio" name={`seal_state_${i}`} value={state} checked={seal.state === state} required />
                      <span>{t(`inbound.seal.${state}`)}</span>
                    </label>
                  ))}
                </div>
                <input name="seal_note" value={seal.note} placeholder={t('inbound.sealNote')} aria-label={t('inbound.sealNote')} maxlength={200} />
                {err && <small class="error">{err}</small>}
              </div>
            );
          })}
          <Field label={t('inbound.extraSeal')} name="extra_seal" hint={t('inbound.extraSealHint')}>
            <input id="f-extra_seal" name="extra_seal" value="" autocomplete="off" maxlength={40} />
          </Field>
        </fieldset>
        {v.coldClasses.length > 0 && (
          <fieldset>
            <legend>{t('inbound.temperatureCheck')}</legend>
            <p class="muted">{t('inbound.temperatureHint')}</p>
            <div class="form-grid">
              {v.coldClasses.map(({ cls, range }) => (
                <Field label={t('inbound.temperatureOf', { class: t(`class.${cls}`) })} name={`temp_${cls}`} error={e[`temperatures.${cls}`]} hint={range ? t('inbound.allowed', { range: t.range(range.min, range.max) }) : t('inbound.noZoneForClass')}>
                  <div class="with-unit">
                    <ClassBadge t={t} value={cls} />
                    <input id={`f-temp_${cls}`} name={`temp_${cls}`} value={v.values.temperatures[cls] ?? ''} type="number" step="0.1" min="-80" max="80" autocomplete="off" required aria-invalid={e[`temperatures.${cls}`] ? 'true' : undefined} />
                    <span>°C</span>
                  </div>
                </Field>
              ))}
            </div>
          </fieldset>
        )}
        <Field label={t('inbound.arrivalNote')} name="note" error={e.note}>
          <input id="f-note" name="note" value={v.values.note} maxlength={500} />
        </Field>
        <button type="submit" class="primary big">
          {t('inbound.confirmArrival')}
        </button>
      </form>
    </Layout>
  );
}
