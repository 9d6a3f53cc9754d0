import type { ViewContext } from '../../src/context.ts';
import type { PortalSeller } from '../../src/portal/queries.ts';
import { Layout } from '../layout.tsx';
import { Field, Select } from '../components/forms.tsx';

/** Staff open a seller's portal from here (to see what the seller sees). */
export function ChooseSellerPage(props: { ctx: ViewContext; sellers: PortalSeller[] }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t('portal.chooseSeller')} narrow>
      <h1>{t('portal.chooseSeller')}</h1>
      <p class="muted">{t('portal.chooseSellerHint')}</p>
      {props.sellers.length === 0 ? (
        <p class="empty">{t('portal.noSellers')}</p>
      ) : (
        <form method="get" action="/portal" class="stacked">
          <Field label={t('col.seller')} name="seller">
            <Select name="seller" value={undefined} options={props.sellers.map((s) => ({ value: s.code, label: `${s.code} · ${s.name}` }))} />
          </Field>
          <button type="submit">{t('portal.open')}</button>
        </form>
      )}
    </Layout>
  );
}
