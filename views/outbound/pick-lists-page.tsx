import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import type { PickListRow, TaskRow } from '../../src/outbound/queries.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select } from '../components/forms.tsx';
import { ClassBadge, Expiry } from '../components/stock-table.tsx';

export type PickListsView = { ctx: ViewContext; warehouses: Warehouse[]; warehouse: string | undefined; lists: PickListRow[]; waiting: number; operators: { id: number; name: string; warehouse: string }[]; error?: string | undefined };

/** Pick lists of a warehouse: make one from the allocated orders, see each one's progress. */
export function PickListsPage(v: PickListsView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('outbound.pickLists')}>
      <p class="crumbs">
        <a href="/orders">{t('outbound.title')}</a> / {t('outbound.pickLists')}
      </p>
      <h1>{t('outbound.pickLists')}</h1>
      {v.error && <Alert kind="error">{v.error}</Alert>}
      <form class="filters" method="post" action="/pick-lists">
        <CsrfField token={v.ctx.csrfToken} />
        <div class="more-fields">
          <Field label={t('col.warehouse')} name="warehouse">
            <select name="warehouse" id="f-warehouse" onchange="location.search = '?warehouse=' + encodeURIComponent(this.value)">
              {v.warehouses.map((w) => (
                <option value={w.code} selected={w.code === v.warehouse}>
                  {w.code} · {w.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('outbound.maxOrders')} name="max_orders">
            <input id="f-max_orders" name="max_orders" value="30" inputmode="numeric" />
          </Field>
          <Field label={t('outbound.assignTo')} name="assign_to">
            <Select name="assign_to" value={v.ctx.user?.role === 'operator' ? String(v.ctx.user.id) : ''} empty={t('outbound.anyone')} options={v.operators.map((o) => ({ value: String(o.id), label: `${o.name} · ${o.warehouse}` }))} />
          </Field>
        </div>
        <p class="muted">{t('outbound.waitingForList', { count: t.number(v.waiting) })}</p>
        <button type="submit">{t('outbound.makePickList')}</button>
      </form>
      {v.lists.length === 0 ? (
        <p class="empty">{t('outbound.noPickLists')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid stack">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('inbound.col.status')}</th>
                <th>{t('col.warehouse')}</th>
                <th>{t('col.time')}</th>
                <th>{t('outbound.assignTo')}</th>
                <th class="num">{t('outbound.col.orders')}</th>
                <th>{t('outbound.progress')}</th>
              </tr>
            </thead>
            <tbody>
              {v.lists.map((l) => (
                <tr>
                  <td class="code head" data-label="#">
                    <a href={`/pick-lists/${l.id}`}>#{l.id}</a>
                  </td>
                  <td data-label={t('inbound.col.status')}>
                    <span class={`badge pick-${l.status}`}>{t(`outbound.listStatus.${l.status as 'open'}`)}</span>
                    {l.short > 0 && <span class="badge warn"> {t('outbound.shortTasks', { count: l.short })}</span>}
                  </td>
                  <td class="code" data-label={t('col.warehouse')}>{l.warehouseCode}</td>
                  <td data-label={t('col.time')}>{t.dateTime(l.createdAt, l.timezone)}</td>
                  <td data-label={t('outbound.assignTo')}>{l.assignee ?? <span class="muted">{t('outbound.anyone')}</span>}</td>
                  <td class="num" data-label={t('outbound.col.orders')}>{t.number(l.orders)}</td>
                  <td data-label={t('outbound.progress')}>
                    <meter min={0} max={Math.max(1, l.tasks)} value={l.done}></meter> {t.number(l.done)} / {t.number(l.tasks)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export type PickListView = { ctx: ViewContext; list: { id: number; status: string; warehouseCode: string; timezone: string; createdAt: Date }; tasks: TaskRow[] };

/** A pick list in walking order, printable; the scanner screen works through it task by task. */
export function PickListPage(v: PickListView) {
  const { t } = v.ctx;
  const l = v.list;
  return (
    <Layout ctx={v.ctx} title={`${t('outbound.pickList')} #${l.id}`}>
      <p class="crumbs no-print">
        <a href="/orders">{t('outbound.title')}</a> / <a href="/pick-lists">{t('outbound.pickLists')}</a> / #{l.id}
      </p>
      <div class="title-row">
        <h1>
          {t('outbound.pickList')} #{l.id} <span class={`badge pick-${l.status}`}>{t(`outbound.listStatus.${l.status as 'open'}`)}</span>
        </h1>
        <div class="actions no-print">
          {['open', 'picking'].includes(l.status) && (
            <a class="button" href={`/pick-lists/${l.id}/pick`}>
              {t('outbound.startPicking')}
            </a>
          )}
          <button type="button" class="secondary" onclick="window.print()">
            {t('inbound.print')}
          </button>
        </div>
      </div>
      <p class="muted">
        {l.warehouseCode} · {t.dateTime(l.createdAt, l.timezone)}
      </p>
      <div class="table-scroll">
        <table class="grid stack picklist">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('col.location')}</th>
              <th>{t('col.sku')}</th>
              <th>{t('col.product')}</th>
              <th>{t('col.lot')}</th>
              <th class="num">{t('col.quantity')}</th>
              <th>{t('outbound.col.order')}</th>
              <th>{t('inbound.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {v.tasks.map((task) => (
              <tr class={task.status === 'short' ? 'row-late' : task.status === 'done' ? 'row-done' : undefined}>
                <td data-label="#">{task.sequence}</td>
                <td class="code head" data-label={t('col.location')}>
                  {task.location} <ClassBadge t={t} value={task.zoneClass} />
                </td>
                <td class="code" data-label={t('col.sku')}>{task.sku}</td>
                <td data-label={t('col.product')}>{task.name}</td>
                <td data-label={t('col.lot')}>
                  {task.lot && <code>{task.lot} </code>}
                  {task.expiry && <Expiry t={t} expiresOn={task.expiry} />}
                </td>
                <td class="num" data-label={t('col.quantity')}>
                  {t.number(task.quantity)}
                  {task.picked > 0 && task.picked < task.quantity && <small> ({t.number(task.picked)})</small>}
                </td>
                <td class="code" data-label={t('outbound.col.order')}>
                  <a href={`/orders/${task.orderId}`}>{task.externalId}</a>
                </td>
                <td data-label={t('inbound.col.status')}>
                  {t(`outbound.taskStatus.${task.status as 'open'}`)}
                  {task.short > 0 && <small class="err-text"> −{task.short}</small>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
