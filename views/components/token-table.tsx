import type { Translator } from '../../src/i18n/index.ts';
import type { ApiToken } from '../../src/auth/api-tokens.ts';
import { CsrfField } from './forms.tsx';

/**
 * API tokens (people's or sensors'): name, owner when shown, made, last used, and a revoke
 * button while live. Times on `timeZone`.
 */
export function TokenTable(props: { t: Translator; csrfToken: string; tokens: (ApiToken & { userEmail?: string })[]; nameLabel: string; showOwner?: boolean; timeZone: string; revokeUrl: (id: string) => string }) {
  const { t } = props;
  if (props.tokens.length === 0) return <p class="empty">{t('tokens.none')}</p>;
  return (
    <div class="table-scroll">
      <table class="grid stack">
        <thead>
          <tr>
            <th>{props.nameLabel}</th>
            {props.showOwner && <th>{t('tokens.user')}</th>}
            <th>{t('tokens.createdAt', { zone: props.timeZone })}</th>
            <th>{t('tokens.lastUsed', { zone: props.timeZone })}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {props.tokens.map((k) => (
            <tr class={k.revokedAt ? 'muted' : undefined}>
              <td class="head" data-label={props.nameLabel}>
                {k.name} <small class="muted code" title={t('tokens.idHint')}>{k.id.slice(0, 8)}…</small>
              </td>
              {props.showOwner && <td data-label={t('tokens.user')}>{k.userEmail}</td>}
              <td class="time" data-label={t('tokens.createdAt', { zone: props.timeZone })}>{t.dateTime(k.createdAt, props.timeZone)}</td>
              <td class="time" data-label={t('tokens.lastUsed', { zone: props.timeZone })}>{k.lastUsedAt ? t.dateTime(k.lastUsedAt, props.timeZone) : '—'}</td>
              <td class="actions">
                {k.revokedAt ? (
                  <span class="badge">{t('tokens.revoked')}</span>
                ) : (
                  <form method="post" action={props.revokeUrl(k.id)} class="inline" data-confirm={t('tokens.revokeConfirm', { name: k.name })}>
                    <CsrfField token={props.csrfToken} />
                    <button type="submit" class="danger">
                      {t('tokens.revoke')}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
