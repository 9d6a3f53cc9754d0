import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import type { SlotCell } from '../../src/cold/queries.ts';
import { capacityUnits, temperatureClasses } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';

export type ZoneFormValues = Partial<Record<'code' | 'name' | 'temperature_class' | 'min_celsius' | 'max_celsius' | 'log_interval_minutes', string>>;

/** New zone or edit one: class, allowed range, logging interval. */
export function ZoneFormPage(v: { ctx: ViewContext; warehouse: Warehouse; zoneId?: number; values: ZoneFormValues; errors: FieldErrors; formError?: string | undefined }) {
  const { t } = v.ctx;
  const title = v.zoneId ? t('cold.editZone') : t('cold.newZone');
  const val = (k: keyof ZoneFormValues) => v.values[k] ?? '';
  return (
    <Layout ctx={v.ctx} title={title} narrow>
      <p class="crumbs">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › {v.warehouse.code}
      </p>
      <h1>{title}</h1>
      <form method="post" action={v.zoneId ? `/cold/zones/${v.zoneId}` : '/cold/zones'} class="stacked">
        <CsrfField token={v.ctx.csrfToken} />
        <input type="hidden" name="warehouse" value={v.warehouse.code} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <Field label={t('cold.zoneCode')} name="code" error={v.errors.code}>
          <input id="f-code" name="code" value={val('code')} required maxlength={20} autocapitalize="characters" />
        </Field>
        <Field label={t('cold.zoneName')} name="name" error={v.errors.name}>
          <input id="f-name" name="name" value={val('name')} required maxlength={80} />
        </Field>
        <Field label={t('cold.class')} name="temperature_class" error={v.errors.temperature_class} hint={t('cold.classHint')}>
          <Select name="temperature_class" value={val('temperature_class') || 'chilled'} options={temperatureClasses.map((c) => ({ value: c, label: t(`class.${c}`) }))} />
        </Field>
        <div class="receive-row">
          <Field label={t('cold.minCelsius')} name="min_celsius" error={v.errors.min_celsius}>
            <input id="f-min_celsius" name="min_celsius" value={val('min_celsius')} inputmode="decimal" />
          </Field>
          <Field label={t('cold.maxCelsius')} name="max_celsius" error={v.errors.max_celsius}>
            <input id="f-max_celsius" name="max_celsius" value={val('max_celsius')} inputmode="decimal" />
          </Field>
        </div>
        <Field label={t('cold.intervalMinutes')} name="log_interval_minutes" error={v.errors.log_interval_minutes} hint={t('cold.intervalHint')}>
          <input id="f-log_interval_minutes" name="log_interval_minutes" value={val('log_interval_minutes')} inputmode="numeric" />
        </Field>
        <div class="form-actions">
          <button type="submit" class="big">
            {t('cold.save')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export type SlotFormValues = Partial<Record<'aisle' | 'rack' | 'level' | 'position' | 'code' | 'capacity' | 'capacity_unit', string>>;

/** The slots of a zone: capacity and open/closed per slot, and a form to add one at its grid place. */
export function SlotsPage(v: { ctx: ViewContext; warehouse: Warehouse; zone: { id: number; code: string; name: string }; slots: SlotCell[]; values: SlotFormValues; errors: FieldErrors; formError?: string | undefined; saved?: string | undefined }) {
  const { t } = v.ctx;
  const val = (k: keyof SlotFormValues) => v.values[k] ?? '';
  const units = capacityUnits.map((u) => ({ value: u, label: t(`cold.unit.${u}`) }));
  return (
    <Layout ctx={v.ctx} title={`${t('cold.slotsTitle')} ${v.zone.code}`}>
      <p class="crumbs">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › <a href={`/cold/zones/${v.zone.id}/map`}>{v.zone.code}</a>
      </p>
      <h1>
        {t('cold.slotsTitle')} {v.zone.code} <small class="muted">{v.zone.name}</small>
      </h1>
      {v.saved && <Alert kind="ok">{v.saved}</Alert>}
      <form method="post" action={`/cold/zones/${v.zone.id}/slots`} class="stacked">
        <CsrfField token={v.ctx.csrfToken} />
        <h2>{t('cold.newSlot')}</h2>
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <div class="more-fields">
          <Field label={t('cold.aisle')} name="aisle" error={v.errors.aisle}>
            <input id="f-aisle" name="aisle" value={val('aisle')} required maxlength={4} autocapitalize="characters" />
          </Field>
          <Field label={t('cold.rack')} name="rack" error={v.errors.rack}>
            <input id="f-rack" name="rack" value={val('rack')} required inputmode="numeric" />
          </Field>
          <Field label={t('cold.level')} name="level" error={v.errors.level}>
            <input id="f-level" name="level" value={val('level')} required inputmode="numeric" />
          </Field>
          <Field label={t('cold.position')} name="position" error={v.errors.position}>
            <input id="f-position" name="position" value={val('position')} required inputmode="numeric" />
          </Field>
          <Field label={t('cold.capacity')} name="capacity" error={v.errors.capacity}>
            <input id="f-capacity" name="capacity" value={val('capacity')} inputmode="numeric" />
          </Field>
          <Field label={t('cold.capacityUnit')} name="capacity_unit" error={v.errors.capacity_unit}>
            <Select name="capacity_unit" value={val('capacity_unit') || 'units'} options={units} />
          </Field>
        </div>
        <Field label={t('cold.slotCode')} name="code" error={v.errors.code} hint={t('cold.slotCodeHint')}>
          <input id="f-code" name="code" value={val('code')} maxlength={40} autocapitalize="characters" />
        </Field>
        <div class="form-actions">
          <button type="submit">{t('cold.addSlot')}</button>
        </div>
      </form>
      <h2>{t('cold.slots')}</h2>
      <div class="table-scroll">
        <table class="grid">
          <thead>
            <tr>
              <th>{t('col.location')}</th>
              <th>{t('cold.place')}</th>
              <th class="num">{t('col.onHand')}</th>
              <th>{t('cold.capacity')}</th>
            </tr>
          </thead>
          <tbody>
            {v.slots.map((s) => (
              <tr>
                <td class="code">
                  <a href={`/cold/slots/${s.id}`}>{s.code}</a>
                </td>
                <td class="code">{s.aisle ? `${s.aisle} · ${s.rack} · ${s.level} · ${s.position}` : '—'}</td>
                <td class="num">{t.number(s.units)}</td>
                <td>
                  <form method="post" action={`/cold/slots/${s.id}`} class="search-line">
                    <CsrfField token={v.ctx.csrfToken} />
                    <input name="capacity" value={s.capacity ?? ''} inputmode="numeric" aria-label={t('cold.capacity')} style="max-width:7rem" />
                    <select name="capacity_unit" aria-label={t('cold.capacityUnit')}>
                      {units.map((u) => (
                        <option value={u.value} selected={u.value === s.capacityUnit}>
                          {u.label}
                        </option>
                      ))}
                    </select>
                    <label class="check">
                      <input type="checkbox" name="active" checked={s.active} style="width:auto" /> {t('cold.open')}
                    </label>
                    <button type="submit" class="secondary">
                      {t('cold.save')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
