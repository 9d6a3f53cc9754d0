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
      <table class="grid">
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
              <td>{k.name}</td>
              {props.showOwner && <td>{k.userEmail}</td>}
              <td class="time">{t.dateTime(k.createdAt, props.timeZone)}</td>
              <td class="time">{k.lastUsedAt ? t.dateTime(k.lastUsedAt, props.timeZone) : '—'}</td>
              <td>
                {k.revokedAt ? (
                  <span class="badge">{t('tokens.revoked')}</span>
                ) : (
                  <form method="post" action={props.revokeUrl(k.id)} class="inline">
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
