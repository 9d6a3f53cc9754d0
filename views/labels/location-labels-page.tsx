import type { ViewContext } from '../../src/context.ts';
import { realLocationKinds } from '../../src/db/schema/index.ts';
import { labelFormats, type LabelFormat } from '../../src/barcodes/labels.ts';
import type { LocationLabelQuery, LocationLabelQueryErrors } from '../../src/barcodes/label-filters.ts';
import type { LabelWarehouse, LabelZone, LocationLabelRow } from '../../src/barcodes/label-queries.ts';
import { Layout } from '../layout.tsx';
import { Alert, Field, Select } from '../components/forms.tsx';
import { LabelSheet, labelPages, type LabelData } from './label-sheet.tsx';

export type LocationLabelsView = {
  ctx: ViewContext;
  /** The form's values as the user sent them (a refused query is shown back as it was). */
  values: Partial<Record<keyof LocationLabelQuery, string>>;
  errors: LocationLabelQueryErrors;
  format: LabelFormat;
  /** Warehouses this user may print labels for. */
  warehouses: LabelWarehouse[];
  /** The chosen warehouse, with its zones and the labels found (at most MAX_LABELS of `total`). */
  chosen?: { warehouse: LabelWarehouse; zones: LabelZone[]; rows: LocationLabelRow[]; total: number };
};

export function LocationLabelsPage(v: LocationLabelsView) {
  const { t } = v.ctx;
  const c = v.chosen;
  const fieldError = (name: keyof LocationLabelQuery) => {
    const e = v.errors[name];
    return e === undefined ? undefined : e === 'range' ? t('labels.rangeReversed') : t('labels.invalid');
  };
  const labels: LabelData[] = c
    ? c.rows.map((r) => ({ code: r.code, lines: [r.kind === 'zone' ? `${t('labels.zoneLabel')} · ${t(`class.${r.temperatureClass}`)} · ${c.warehouse.code}` : `${r.zoneCode} · ${t(`class.${r.temperatureClass}`)} · ${c.warehouse.code}`] }))
    : [];
  const title = t('labels.locations.title');
  return (
    <Layout ctx={v.ctx} title={c ? `${title} · ${c.warehouse.code}` : title}>
      <div class="no-print">
        <p class="crumbs">
          <a href="/warehouses">{t('warehouses.title')}</a> / {title}
        </p>
        <h1>
          {title} {c && <small class="muted">{c.warehouse.code} · {c.warehouse.name}</small>}
        </h1>
        <p class="muted">{t('labels.locations.intro')}</p>
        <form class="filters" method="get" action="/labels/locations">
          <div class="more-fields">
            <Field label={t('col.warehouse')} name="warehouse" error={fieldError('warehouse')}>
              <Select
                name="warehouse"
                value={v.values.warehouse}
                empty={v.values.warehouse ? undefined : '—'}
                options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))}
              />
            </Field>
            <Field label={t('location.zone')} name="zone" error={fieldError('zone')}>
              <Select name="zone" value={v.values.zone} empty={t('filter.all')} options={(c?.zones ?? []).map((z) => ({ value: z.code, label: `${z.code} · ${t(`class.${z.temperatureClass}`)}` }))} />
            </Field>
            <Field label={t('location.kind')} name="kind" error={fieldError('kind')}>
              <Select name="kind" value={v.values.kind} empty={t('filter.all')} options={[...realLocationKinds.map((k) => ({ value: k, label: t(`kind.${k}`) })), { value: 'zone', label: t('labels.zoneLabels') }]} />
            </Field>
            <Field label={t('labels.format')} name="format" error={fieldError('format')}>
              <Select name="format" value={v.values.format ?? v.format} options={labelFormats.map((f) => ({ value: f, label: t(`labels.format.${f}`) }))} />
            </Field>
            <Field label={t('labels.from')} name="from" error={fieldError('from')}>
              <input type="text" id="f-from" name="from" value={v.values.from ?? ''} maxlength={40} autocomplete="off" autocapitalize="characters" spellcheck={false} />
            </Field>
            <Field label={t('labels.to')} name="to" error={fieldError('to')} hint={t('labels.rangeHint')}>
              <input type="text" id="f-to" name="to" value={v.values.to ?? ''} maxlength={40} autocomplete="off" autocapitalize="characters" spellcheck={false} />
            </Field>
          </div>
          <button type="submit">{t('labels.show')}</button>
        </form>
        {Object.keys(v.errors).length > 0 ? (
          <Alert kind="error">{t('error.badFilter')}</Alert>
        ) : !c ? (
          <p class="empty">{t('labels.chooseWarehouse')}</p>
        ) : c.rows.length === 0 ? (
          <p class="empty">{t('labels.none')}</p>
        ) : (
          <>
            {c.total > c.rows.length && <Alert kind="info">{t('labels.truncated', { shown: t.number(c.rows.length), total: t.number(c.total) })}</Alert>}
            <p class="totals">
              {t('labels.summary', { count: t.number(c.rows.length), pages: t.number(labelPages(c.rows.length, v.format)) })}{' '}
              <button type="button" onclick="window.print()">
                {t('labels.print')}
              </button>
            </p>
            <p class="muted">{t('labels.printHint')}</p>
          </>
        )}
      </div>
      {labels.length > 0 && <LabelSheet labels={labels} format={v.format} />}
    </Layout>
  );
}
